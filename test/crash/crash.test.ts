/**
 * Crash test: a real worker process runs a 200-step durable workflow on a SQLite file and
 * is killed with SIGKILL at random (seeded) moments, at least 20 times; after each kill a
 * new process resumes the run, until one finishes it.
 *
 * How executions are counted. Each execution of a step appends `<stepId> <mark>` to an
 * effects file before anything else (its side effect), with a mark fresh for that
 * execution, and returns the mark in its output. The engine logs `step-start` before
 * running a step and `step-end` (with the output) after. So:
 * - a *completed* execution is one whose mark is the output of the step's `step-end` in
 *   the log. Every step must have exactly one `step-end`, and its mark must appear in the
 *   effects file exactly once: each finished step ran to completion exactly once;
 * - any other effect line is an *interrupted* execution: the process died after the step's
 *   durable `step-start` and before its `step-end` was stored. Such a step was in flight and
 *   legitimately runs again after resume. In a chain one step is in flight at a time, so
 *   there is at most one interrupted execution per kill;
 * - every execution, completed or not, happened after a `step-start` of its step was stored
 *   (the log is written ahead): a step has at least as many `step-start` events as effect
 *   lines.
 * Finally the run's output must equal that of an uninterrupted run.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/stores/memory/memory-store.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { crashWorkflow, type StepOutput, stepCount } from "./crash-workflow.js";

const root = join(import.meta.dirname, "..", "..");
const node = join(root, "node_modules", ".bin", "node");
const child = join(import.meta.dirname, "child.ts");
const seed = Number(process.env.CRASH_SEED ?? 20_260_101);
const minimumKills = 20;

/** mulberry32: a small seeded PRNG, so a failing schedule of kills can be replayed. */
function random(seedValue: number): () => number {
  let state = seedValue >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Life {
  killed: boolean;
  output: string;
  result?: { status: string; output: unknown };
}

/** Runs one worker life; kills it `killAfterMs` after it starts (or after spawn, when `early`). */
function live(
  args: string[],
  kill: { afterMs: number; early: boolean } | undefined,
): Promise<Life> {
  return new Promise((resolve, reject) => {
    const worker = spawn(node, ["--import", "tsx", child, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let errors = "";
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      if (kill && !timer) timer = setTimeout(() => worker.kill("SIGKILL"), kill.afterMs);
    };
    if (kill?.early) arm();
    worker.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("started\n")) arm();
    });
    worker.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    worker.on("error", reject);
    worker.on("exit", (code, signal) => {
      clearTimeout(timer);
      const line = output.split("\n").find((text) => text.startsWith("result "));
      const result = line ? JSON.parse(line.slice("result ".length)) : undefined;
      if (signal === "SIGKILL") resolve({ killed: true, output, result });
      else if (code === 0) resolve({ killed: false, output, result });
      else reject(new Error(`worker exited with ${code}: ${errors}`));
    });
  });
}

describe("A durable run killed with SIGKILL at random moments", () => {
  const dir = join(tmpdir(), `baton-crash-${process.pid}-${randomUUID()}`);
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finishes after every kill is resumed: each finished step ran once, in-flight steps ran again, output as uninterrupted", {
    timeout: 120_000,
  }, async () => {
    const db = join(dir, "baton.db");
    const effects = join(dir, "effects.log");
    const runId = "crash-run";
    const next = random(seed);
    const lives: Life[] = [];
    let kills = 0;
    let finished: Life | undefined;
    while (!finished) {
      // Until enough kills: one life in five dies while starting up, the rest while running.
      const kill =
        kills < minimumKills
          ? { early: next() < 0.2, afterMs: Math.floor(next() * 25) }
          : undefined;
      if (kill?.early) kill.afterMs = Math.floor(next() * 400);
      const life = await live([db, effects, runId], kill);
      lives.push(life);
      if (life.killed) kills++;
      else finished = life;
      if (lives.length > 200) throw new Error(`no end after 200 lives (seed ${seed})`);
    }
    expect(kills, `seed ${seed}`).toBeGreaterThanOrEqual(minimumKills);
    expect(finished.result?.status).toBe("succeeded");

    // What an uninterrupted run gives.
    const reference = await crashWorkflow(join(dir, "reference.log"), 0).start(7, {
      store: new MemoryStore(),
    }).result;
    expect(finished.result?.output).toEqual(reference.output);

    const store = new SqliteStore({ path: db, readOnly: true });
    const log = await store.readLog(runId);
    await store.close();
    const ends = new Map<string, StepOutput[]>();
    const starts = new Map<string, number>();
    for (const event of log) {
      const id = event.stepId as string;
      if (event.type === "step-end")
        ends.set(id, [...(ends.get(id) ?? []), event.output as StepOutput]);
      if (event.type === "step-start") starts.set(id, (starts.get(id) ?? 0) + 1);
    }
    const lines = readFileSync(effects, "utf8").split("\n").filter(Boolean);
    const executions = new Map<string, string[]>();
    for (const line of lines) {
      const [id, mark] = line.split(" ");
      executions.set(id!, [...(executions.get(id!) ?? []), mark!]);
    }

    let interrupted = 0;
    for (let index = 0; index < stepCount; index++) {
      const id = `s${index}`;
      const ended = ends.get(id) ?? [];
      expect(ended, `${id}: step-end events (seed ${seed})`).toHaveLength(1);
      const marks = executions.get(id) ?? [];
      const completed = marks.filter((mark) => mark === ended[0]!.mark);
      expect(completed, `${id}: executions that completed (seed ${seed})`).toHaveLength(1);
      interrupted += marks.length - 1;
      expect(
        starts.get(id) ?? 0,
        `${id}: step-starts logged before its executions`,
      ).toBeGreaterThanOrEqual(marks.length);
    }
    expect(lines.length).toBe(stepCount + interrupted);
    expect(interrupted, `seed ${seed}`).toBeLessThanOrEqual(kills);
    // The log ends as an uninterrupted run's does.
    expect(log.at(-1)?.type).toBe("run-end");
    console.log(
      `crash test (seed ${seed}): ${lives.length} lives, ${kills} SIGKILLs, ${interrupted} interrupted executions rerun`,
    );
  });
});
