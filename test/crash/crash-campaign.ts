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
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom } from "../../bench/workloads/seeded-random.js";
import { MemoryStore } from "../../src/stores/memory/memory-store.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { crashWorkflow, type StepOutput, stepCount } from "./crash-workflow.js";

const root = join(import.meta.dirname, "..", "..");
const node = join(root, "node_modules", ".bin", "node");
const child = join(import.meta.dirname, "child.ts");

export interface CrashRoundReport {
  seed: number;
  /** Worker processes started. */
  lives: number;
  kills: number;
  /** Steps the run has (each must end exactly once). */
  steps: number;
  /** Steps with no `step-end`, or whose recorded mark no execution wrote. */
  lost: number;
  /** Steps with more than one `step-end`, or whose recorded mark was written more than once. */
  duplicated: number;
  /** Executions cut short by a kill, which ran again after resume (at most one per kill). */
  interrupted: number;
  /** What did not hold, one line each (empty when the round is clean). */
  problems: string[];
}

interface Life {
  killed: boolean;
  result?: { status: string; output: unknown };
}

/** Runs one worker life; kills it `afterMs` after it starts (or after spawn, when `early`). */
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
      if (signal === "SIGKILL") resolve({ killed: true, result });
      else if (code === 0) resolve({ killed: false, result });
      else reject(new Error(`worker exited with ${code}: ${errors}`));
    });
  });
}

/**
 * One round: a fresh run in `dir`, killed `kills` times (or fewer, if it finishes first),
 * then resumed to its end; checked as the module comment says.
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
  const next = seededRandom(seed);
  const report: CrashRoundReport = {
    seed,
    lives: 0,
    kills: 0,
    steps: stepCount,
    lost: 0,
    duplicated: 0,
    interrupted: 0,
    problems: [],
  };
  let finished: Life | undefined;
  while (!finished) {
    // Until enough kills: one life in five dies while starting up, the rest while running.
    const kill =
      report.kills < wanted ? { early: next() < 0.2, afterMs: Math.floor(next() * 25) } : undefined;
    if (kill?.early) kill.afterMs = Math.floor(next() * 400);
    const life = await live([db, effects, runId], kill);
    report.lives++;
    if (life.killed) report.kills++;
    else finished = life;
    if (report.lives > wanted + 200)
      throw new Error(`no end after ${report.lives} lives (seed ${seed})`);
  }
  const problem = (text: string) => report.problems.push(`${text} (seed ${seed})`);
  if (finished.result?.status !== "succeeded") {
    problem(`the run ended ${finished.result?.status ?? "without a result"}`);
  }
  // What an uninterrupted run gives.
  const reference = await crashWorkflow(join(dir, "reference.log"), 0).start(7, {
    store: new MemoryStore(),
  }).result;
  if (JSON.stringify(finished.result?.output) !== JSON.stringify(reference.output)) {
    problem("the output differs from an uninterrupted run's");
  }

  const store = new SqliteStore({ path: db, readOnly: true });
  const log = await store.readLog(runId);
  await store.close();
  const ends = new Map<string, StepOutput[]>();
  const starts = new Map<string, number>();
  for (const event of log) {
    const id = event.stepId as string;
    if (event.type === "step-end") {
      ends.set(id, [...(ends.get(id) ?? []), event.output as StepOutput]);
    }
    if (event.type === "step-start") starts.set(id, (starts.get(id) ?? 0) + 1);
  }
  const executions = new Map<string, string[]>();
  for (const line of readFileSync(effects, "utf8").split("\n").filter(Boolean)) {
    const [id, mark] = line.split(" ");
    executions.set(id!, [...(executions.get(id!) ?? []), mark!]);
  }
  for (let index = 0; index < stepCount; index++) {
    const id = `s${index}`;
    const ended = ends.get(id) ?? [];
    const marks = executions.get(id) ?? [];
    const completed = marks.filter((mark) => mark === ended[0]?.mark).length;
    if (ended.length === 0 || completed === 0) {
      report.lost++;
      problem(`${id}: ${ended.length} step-end events, ${completed} executions that completed`);
    } else if (ended.length > 1 || completed > 1) {
      report.duplicated++;
      problem(`${id}: ${ended.length} step-end events, ${completed} executions that completed`);
    }
    report.interrupted += marks.length - completed;
    if ((starts.get(id) ?? 0) < marks.length) {
      problem(`${id}: ${marks.length} executions but ${starts.get(id) ?? 0} step-starts logged`);
    }
  }
  if (report.interrupted > report.kills) {
    problem(`${report.interrupted} interrupted executions for ${report.kills} kills`);
  }
  if (log.at(-1)?.type !== "run-end") problem(`the log ends with ${log.at(-1)?.type}`);
  return report;
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
