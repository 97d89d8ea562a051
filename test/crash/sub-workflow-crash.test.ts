/**
 * Crash test of a sub-workflow: a real worker process runs a durable parent workflow
 * whose middle step is a 40-step sub-workflow (50 ms steps, a child run) on a SQLite file,
 * and is killed with SIGKILL at seeded random moments while the sub-workflow runs, at
 * least 5 times; after each kill a new process resumes the parent, until one finishes it.
 *
 * Executions are counted as in crash.test.ts: each execution of a child step writes
 * `<stepId> <mark> <pid>` to an effects file first and returns its mark, so an execution
 * whose mark is not the output of the step's `step-end` in the child run's log was
 * interrupted. The resumed parent re-attaches to its child run and resumes it from its
 * log, so each kill costs at most the one child step that was in flight: before child runs
 * resumed, each resume started the sub-workflow over from its first step.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/stores/memory/memory-store.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { crashUntilFinished } from "./crash-harness.js";
import { childStepCount, parentWorkflow, type StepOutput } from "./crash-workflow.js";

const child = join(import.meta.dirname, "child.ts");
const seed = Number(process.env.CRASH_SEED ?? 20_260_118);
const minimumKills = Number(process.env.CRASH_KILLS ?? 4);
/** The latest moment a life is killed, in ms after it starts running. */
const latestKillMs = Number(process.env.CRASH_LATEST_KILL_MS ?? 300);

describe("A parent run killed with SIGKILL while its sub-workflow runs", () => {
  const dir = join(tmpdir(), `baton-sub-crash-${process.pid}-${randomUUID()}`);
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resumes its child run each time: at most one child step runs again per kill, output as uninterrupted", {
    timeout: 120_000,
  }, async () => {
    const db = join(dir, "baton.db");
    const effects = join(dir, "effects.log");
    const runId = "parent-run";
    // Each life is killed 80-300 ms after it starts running: 6 child steps at most, so
    // 4 kills come well before the 40-step sub-workflow ends. (CRASH_KILLS and
    // CRASH_LATEST_KILL_MS change that, to measure other schedules.)
    const { lives, kills, finished } = await crashUntilFinished({
      script: child,
      args: [db, effects, runId, "parent"],
      seed,
      minimumKills,
      killMoment: (next) => ({
        early: false,
        afterMs: 80 + Math.floor(next() * (latestKillMs - 80)),
      }),
    });
    const executions = readFileSync(effects, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [stepId, mark, pid] = line.split(" ");
        return { stepId: stepId!, mark: mark!, pid: pid! };
      });
    const extra = executions.length - childStepCount;
    console.log(
      `sub-workflow crash test (seed ${seed}): ${lives.length} lives, ${kills} SIGKILLs, ${executions.length} child-step executions for ${childStepCount} steps: ${extra} extra`,
    );

    const reference = await parentWorkflow(join(dir, "reference.log"), 0).start(7, {
      store: new MemoryStore(),
    }).result;
    expect(finished.result).toEqual({ status: "succeeded", output: reference.output });
    expect(kills).toBeGreaterThanOrEqual(minimumKills);
    // The last life ran child steps too: every kill came while the sub-workflow ran.
    const pids = new Set(executions.map((execution) => execution.pid));
    expect(pids.size).toBeGreaterThanOrEqual(kills);
    expect(executions.at(-1)!.pid).not.toBe(executions[0]!.pid);

    const store = new SqliteStore({ path: db, readOnly: true });
    const children = await store.listRuns({ parentId: runId });
    const childLog = await store.readLog(`${runId}/sub`);
    await store.close();
    expect(children.map((run) => run.id)).toEqual([`${runId}/sub`]);
    const ended = new Map<string, string>();
    for (const event of childLog) {
      if (event.type !== "step-end") continue;
      const stepId = String(event.stepId);
      expect(ended.has(stepId), `${stepId}: one step-end`).toBe(false);
      ended.set(stepId, (event.output as StepOutput).mark);
    }
    expect(ended.size).toBe(childStepCount);
    // Every finished child step ran to completion once; each life cut one execution short
    // at most (the child step in flight when it was killed), and that step ran again.
    const completed = new Set(ended.values());
    expect(executions.filter((execution) => completed.has(execution.mark))).toHaveLength(
      childStepCount,
    );
    const interruptedPerLife = new Map<string, number>();
    for (const execution of executions) {
      if (completed.has(execution.mark)) continue;
      interruptedPerLife.set(execution.pid, (interruptedPerLife.get(execution.pid) ?? 0) + 1);
    }
    for (const [pid, count] of interruptedPerLife) {
      expect(count, `life ${pid}: interrupted child steps`).toBe(1);
    }
    expect(extra).toBeLessThanOrEqual(kills);
  });
});
