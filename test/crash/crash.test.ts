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
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { checkExecutions, crashUntilFinished } from "./crash-harness.js";

const child = join(import.meta.dirname, "child.ts");
const seed = Number(process.env.CRASH_SEED ?? 20_260_101);
const minimumKills = 20;

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
    const { lives, kills, finished } = await crashUntilFinished({
      script: child,
      args: [db, effects, runId],
      seed,
      minimumKills,
    });
    expect(kills, `seed ${seed}`).toBeGreaterThanOrEqual(minimumKills);
    expect(finished.result?.status).toBe("succeeded");

    const store = new SqliteStore({ path: db, readOnly: true });
    const log = await store.readLog(runId);
    await store.close();
    const { interrupted } = await checkExecutions({
      log,
      effects,
      output: finished.result?.output,
      kills,
      seed,
      referenceEffects: join(dir, "reference.log"),
    });
    console.log(
      `crash test (seed ${seed}): ${lives.length} lives, ${kills} SIGKILLs, ${interrupted} interrupted executions rerun`,
    );
  });
});
