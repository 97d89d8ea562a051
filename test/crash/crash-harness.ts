/**
 * The crash tests' shared parts: worker lives killed with SIGKILL at seeded random moments
 * until one finishes the run, and the check that every finished step ran to completion
 * exactly once (see crash.test.ts for how executions are counted).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { StoredEvent } from "../../src/core/ports/run-store.js";
import { MemoryStore } from "../../src/stores/memory/memory-store.js";
import { crashWorkflow, type StepOutput, stepCount } from "./crash-workflow.js";

const root = join(import.meta.dirname, "..", "..");
const node = join(root, "node_modules", ".bin", "node");

/** mulberry32: a small seeded PRNG, so a failing schedule of kills can be replayed. */
export function random(seedValue: number): () => number {
  let state = seedValue >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Life {
  killed: boolean;
  output: string;
  result?: { status: string; output: unknown };
}

/** Runs one worker life; kills it `afterMs` after it starts (or after spawn, when `early`). */
function live(
  script: string,
  args: string[],
  kill: { afterMs: number; early: boolean } | undefined,
): Promise<Life> {
  return new Promise((resolve, reject) => {
    const worker = spawn(node, ["--import", "tsx", script, ...args], {
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

/**
 * Starts worker lives (a new process each) until one finishes the run: until `minimumKills`
 * kills, one life in five dies while starting up, the rest while running.
 */
export async function crashUntilFinished(options: {
  script: string;
  args: string[];
  seed: number;
  minimumKills: number;
}): Promise<{ lives: Life[]; kills: number; finished: Life }> {
  const { script, args, seed, minimumKills } = options;
  const next = random(seed);
  const lives: Life[] = [];
  let kills = 0;
  for (;;) {
    const kill =
      kills < minimumKills ? { early: next() < 0.2, afterMs: Math.floor(next() * 25) } : undefined;
    if (kill?.early) kill.afterMs = Math.floor(next() * 400);
    const life = await live(script, args, kill);
    lives.push(life);
    if (life.killed) kills++;
    else return { lives, kills, finished: life };
    if (lives.length > 200) throw new Error(`no end after 200 lives (seed ${seed})`);
  }
}

/**
 * Checks a crashed-and-resumed run against its effects file: the output is an
 * uninterrupted run's, every step has one `step-end` whose execution ran exactly once, every
 * other execution was interrupted (at most one per kill), and none ran without a logged
 * `step-start`. Resolves how many interrupted executions ran again.
 */
export async function checkExecutions(options: {
  log: readonly StoredEvent[];
  effects: string;
  output: unknown;
  kills: number;
  seed: number;
  referenceEffects: string;
}): Promise<{ interrupted: number; finishedSteps: number }> {
  const { log, effects, kills, seed } = options;
  const reference = await crashWorkflow(options.referenceEffects, 0).start(7, {
    store: new MemoryStore(),
  }).result;
  expect(options.output).toEqual(reference.output);
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
  return { interrupted, finishedSteps: ends.size };
}
