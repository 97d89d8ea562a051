/**
 * Crash rounds: a real worker process runs a 200-step durable workflow on a SQLite file and
 * is killed with SIGKILL at random (seeded) moments; after each kill a new process resumes
 * the run, until one finishes it. The crash test runs one round; the chaos campaign runs
 * rounds until it has killed as often as it was asked to.
 *
 * How executions are counted. Each execution of a step appends `<stepId> <mark>` to an
 * effects file before anything else (its side effect), with a mark fresh for that
 * execution, and returns the mark in its output. The engine logs `step-start` before
 * running a step and `step-end` (with the output) after. So:
 * - a *completed* execution is one whose mark is the output of the step's `step-end` in
 *   the log. Every step must have exactly one `step-end`, and its mark must appear in the
 *   effects file exactly once: each finished step ran to completion exactly once. A step
 *   with none is *lost*; one with more is *duplicated*;
 * - any other effect line is an *interrupted* execution: the process died after the step's
 *   durable `step-start` and before its `step-end` was stored. Such a step was in flight and
 *   legitimately runs again after resume. In a chain one step is in flight at a time, so
 *   there is at most one interrupted execution per kill;
 * - every execution, completed or not, happened after a `step-start` of its step was stored
 *   (the log is written ahead): a step has at least as many `step-start` events as effect
 *   lines.
 * Finally the run's output must equal that of an uninterrupted run.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { checkExecutions, crashUntilFinished, type ExecutionCheck } from "./crash-harness.js";
import { stepCount } from "./crash-workflow.js";

const child = join(import.meta.dirname, "child.ts");

export interface CrashRoundReport extends Omit<ExecutionCheck, "finishedSteps"> {
  seed: number;
  /** Worker processes started. */
  lives: number;
  kills: number;
  /** Steps the run has (each must end exactly once). */
  steps: number;
}

/**
 * One round: a fresh run in `dir`, killed `kills` times (or more, if a life dies while
 * starting up), then resumed to its end; checked as the module comment says.
 */
export async function crashRound({
  dir,
  seed,
  kills: wanted,
}: {
  dir: string;
  seed: number;
  kills: number;
}): Promise<CrashRoundReport> {
  mkdirSync(dir, { recursive: true });
  const db = join(dir, "baton.db");
  const effects = join(dir, "effects.log");
  const runId = "crash-run";
  const { lives, kills, finished } = await crashUntilFinished({
    script: child,
    args: [db, effects, runId],
    seed,
    minimumKills: wanted,
  });
  const store = new SqliteStore({ path: db, readOnly: true });
  const log = await store.readLog(runId);
  await store.close();
  const { finishedSteps: _, ...check } = await checkExecutions({
    log,
    effects,
    output: finished.result?.output,
    kills,
    seed,
    referenceEffects: join(dir, "reference.log"),
  });
  if (finished.result?.status !== "succeeded") {
    check.problems.unshift(
      `the run ended ${finished.result?.status ?? "without a result"} (seed ${seed})`,
    );
  }
  return { seed, lives: lives.length, kills, steps: stepCount, ...check };
}

/** The campaign's figures over its rounds. */
export interface CrashCampaignReport extends Omit<CrashRoundReport, "seed"> {
  rounds: number;
  /** Finished steps in all rounds. */
  steps: number;
}

/** Crash rounds, each a fresh run, until `kills` kills in all (rounds of at most 25). */
export async function crashCampaign({
  dir,
  seed = 1,
  kills,
  onRound,
}: {
  dir: string;
  seed?: number;
  kills: number;
  onRound?: (round: CrashRoundReport) => void;
}): Promise<CrashCampaignReport> {
  const total: CrashCampaignReport = {
    rounds: 0,
    lives: 0,
    kills: 0,
    steps: 0,
    lost: 0,
    duplicated: 0,
    interrupted: 0,
    problems: [],
  };
  while (total.kills < kills) {
    const round = await crashRound({
      dir: join(dir, `round-${total.rounds}`),
      seed: seed + total.rounds,
      kills: Math.min(25, kills - total.kills),
    });
    onRound?.(round);
    total.rounds++;
    total.lives += round.lives;
    total.kills += round.kills;
    total.steps += round.steps;
    total.lost += round.lost;
    total.duplicated += round.duplicated;
    total.interrupted += round.interrupted;
    total.problems.push(...round.problems);
    // A round whose run finished before it could be killed again would loop forever.
    if (round.kills === 0) break;
  }
  return total;
}
