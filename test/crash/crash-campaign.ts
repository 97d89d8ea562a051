/**
 * Crash rounds: a real worker process runs a 200-step durable workflow on a SQLite file (or a
 * PostgreSQL database, each life then a new owner taking the run over) and is killed with SIGKILL at random (seeded) moments; after each kill a new process resumes
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
import { PostgresStore } from "../../src/stores/postgres/postgres-store.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { checkExecutions, crashUntilFinished, type ExecutionCheck } from "./crash-harness.js";
import { stepCount } from "./crash-workflow.js";

const sqliteChild = join(import.meta.dirname, "child.ts");
const postgresChild = join(import.meta.dirname, "postgres-child.ts");

export interface CrashRoundReport extends Omit<ExecutionCheck, "finishedSteps"> {
  seed: number;
  /** Worker processes started. */
  lives: number;
  kills: number;
  /** Steps the run has (each must end exactly once). */
  steps: number;
}

/**
 * One round: a fresh run in `dir` (on the PostgreSQL database at `postgres`, an empty one,
 * when given), killed `kills` times (or more, if a life dies while starting up), then
 * resumed to its end; checked as the module comment says.
 */
export async function crashRound({
  dir,
  seed,
  kills: wanted,
  postgres,
}: {
  dir: string;
  seed: number;
  kills: number;
  postgres?: string | undefined;
}): Promise<CrashRoundReport> {
  mkdirSync(dir, { recursive: true });
  const db = join(dir, "baton.db");
  const effects = join(dir, "effects.log");
  const runId = "crash-run";
  const { lives, kills, finished } = await crashUntilFinished({
    script: postgres ? postgresChild : sqliteChild,
    args: [postgres ?? db, effects, runId],
    seed,
    minimumKills: wanted,
  });
  const store = postgres
    ? await PostgresStore.open(postgres, { readOnly: true })
    : new SqliteStore({ path: db, readOnly: true });
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
  // On PostgreSQL each life that got as far as running the run is a new owner.
  const owners = lives.flatMap((life) => /^owner (.+)$/m.exec(life.output)?.[1] ?? []);
  if (postgres && new Set(owners).size !== owners.length) {
    check.problems.push(`an owner ran the run in two lives (seed ${seed}): ${owners.join(", ")}`);
  }
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

/**
 * Crash rounds, each a fresh run, until `kills` kills in all (rounds of at most 25); on
 * PostgreSQL when `postgres` gives each round an empty database's URL.
 */
export async function crashCampaign({
  dir,
  seed = 1,
  kills,
  postgres,
  onRound,
}: {
  dir: string;
  seed?: number;
  kills: number;
  postgres?: ((round: number) => Promise<string>) | undefined;
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
      postgres: await postgres?.(total.rounds),
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
