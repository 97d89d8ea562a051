/**
 * The crash tests' shared parts: worker lives killed with SIGKILL at seeded random moments
 * until one finishes the run, and the check that every finished step ran to completion
 * exactly once (see crash-campaign.ts for how executions are counted).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom } from "../../bench/workloads/seeded-random.js";
import type { StoredEvent } from "../../src/core/ports/run-store.js";
import { MemoryStore } from "../../src/stores/memory/memory-store.js";
import { bundledScript } from "../support/bundled-script.js";
import { crashWorkflow, type StepOutput, stepCount } from "./crash-workflow.js";

const root = join(import.meta.dirname, "..", "..");
const node = join(root, "node_modules", ".bin", "node");

export interface Life {
  killed: boolean;
  output: string;
  /** What the life printed on its "result" line. */
  result?: { status: string; output: unknown; [field: string]: unknown };
}

/** Runs one worker life; kills it `afterMs` after it starts (or after spawn, when `early`). */
function live(script: string, args: string[], kill: KillMoment | undefined): Promise<Life> {
  const entry = bundledScript(script);
  return new Promise((resolve, reject) => {
    const worker = spawn(node, [entry, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let errors = "";
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      if (kill && !timer) timer = setTimeout(() => worker.kill("SIGKILL"), kill.afterMs);
    };
    if (kill?.after) kill.after().then(arm);
    else if (kill?.early) arm();
    worker.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (!kill?.after && output.includes("started\n")) arm();
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

/**
 * When a life is killed: `afterMs` after it prints "started", or after spawn when `early`,
 * or after `after()` (started at spawn) resolves, when given.
 */
export interface KillMoment {
  early: boolean;
  afterMs: number;
  after?: () => Promise<void>;
}

/** One life in five dies while starting up (within 400 ms), the rest within 25 ms of running. */
function defaultKillMoment(next: () => number): KillMoment {
  const kill = { early: next() < 0.2, afterMs: Math.floor(next() * 25) };
  if (kill.early) kill.afterMs = Math.floor(next() * 400);
  return kill;
}

/**
 * Starts worker lives (a new process each) until one finishes the run: until `minimumKills`
 * kills, each life is killed at a moment `killMoment` draws from the seeded generator.
 */
export async function crashUntilFinished(options: {
  script: string;
  args: string[];
  seed: number;
  minimumKills: number;
  killMoment?: (next: () => number) => KillMoment;
}): Promise<{ lives: Life[]; kills: number; finished: Life }> {
  const { script, args, seed, minimumKills, killMoment = defaultKillMoment } = options;
  const maxLives = minimumKills + 200;
  const next = seededRandom(seed); // a failing schedule of kills can be replayed
  const lives: Life[] = [];
  let kills = 0;
  for (;;) {
    const kill = kills < minimumKills ? killMoment(next) : undefined;
    const life = await live(script, args, kill);
    lives.push(life);
    if (life.killed) kills++;
    else return { lives, kills, finished: life };
    if (lives.length > maxLives) throw new Error(`no end after ${maxLives} lives (seed ${seed})`);
  }
}

/** What a crashed-and-resumed run's check found (see crash-campaign.ts for the counting). */
export interface ExecutionCheck {
  /** Steps with no `step-end`, or whose recorded mark no execution wrote. */
  lost: number;
  /** Steps with more than one `step-end`, or whose recorded mark was written more than once. */
  duplicated: number;
  /** Executions cut short by a kill, which ran again after resume (at most one per kill). */
  interrupted: number;
  /** Steps with a `step-end`. */
  finishedSteps: number;
  /** What did not hold, one line each (empty when the run is clean). */
  problems: string[];
}

/**
 * Checks a crashed-and-resumed run against its effects file: the output is an
 * uninterrupted run's, every step has one `step-end` whose execution ran exactly once, every
 * other execution was interrupted (at most one per kill), and none ran without a logged
 * `step-start`.
 */
export async function checkExecutions(options: {
  log: readonly StoredEvent[];
  effects: string;
  output: unknown;
  kills: number;
  seed: number;
  referenceEffects: string;
}): Promise<ExecutionCheck> {
  const { log, effects, kills, seed } = options;
  const check: ExecutionCheck = {
    lost: 0,
    duplicated: 0,
    interrupted: 0,
    finishedSteps: 0,
    problems: [],
  };
  const problem = (text: string) => check.problems.push(`${text} (seed ${seed})`);
  // What an uninterrupted run gives.
  const reference = await crashWorkflow(options.referenceEffects, { stepMs: 0 }).start(7, {
    store: new MemoryStore(),
  }).result;
  if (JSON.stringify(options.output) !== JSON.stringify(reference.output)) {
    problem("the output differs from an uninterrupted run's");
  }
  const ends = new Map<string, StepOutput[]>();
  const starts = new Map<string, number>();
  for (const event of log) {
    const id = event.stepId as string;
    if (event.type === "step-end")
      ends.set(id, [...(ends.get(id) ?? []), event.output as StepOutput]);
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
    if (ended.length > 0) check.finishedSteps++;
    if (ended.length === 0 || completed === 0) {
      check.lost++;
      problem(`${id}: ${ended.length} step-end events, ${completed} executions that completed`);
    } else if (ended.length > 1 || completed > 1) {
      check.duplicated++;
      problem(`${id}: ${ended.length} step-end events, ${completed} executions that completed`);
    }
    check.interrupted += marks.length - completed;
    if ((starts.get(id) ?? 0) < marks.length) {
      problem(`${id}: ${marks.length} executions but ${starts.get(id) ?? 0} step-starts logged`);
    }
  }
  if (check.interrupted > kills) {
    problem(`${check.interrupted} interrupted executions for ${kills} kills`);
  }
  // The log ends as an uninterrupted run's does.
  if (log.at(-1)?.type !== "run-end") problem(`the log ends with ${log.at(-1)?.type}`);
  return check;
}
