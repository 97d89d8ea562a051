/**
 * The workers chaos campaign (issue 14): worker processes on one queue and two owner
 * processes on one SQLite store run `runs` runs of 20 agent steps on the fake
 * OpenAI-compatible server, while a random worker is SIGKILLed every `killEveryMs` (and
 * started again) for `durationMs`, and each owner is SIGKILLed once (and started again).
 * Counts what held: runs that finished with the output of an uninterrupted run, steps
 * lost or finished twice, and the tokens Baton recorded against what the server served.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { foldRunLog } from "../../src/core/run/fold-run-log.js";
import type { Workflow } from "../../src/core/workflow/workflow.js";
import { MemoryStore } from "../../src/stores/memory/memory-store.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { startFakeOpenAIServer } from "../../src/testing/fake-openai-server.js";
import { queueKeys } from "../../src/workers/wire.js";
import { bundledScript } from "../support/bundled-script.js";
import { startRedisServer } from "../support/redis-server.js";
import { chaosWorkflows, LAYERS, WIDTH } from "./chaos-workflows.js";
import { WorkerFleet } from "./worker-fleet.js";

export interface WorkersChaosOptions {
  runs?: number;
  workers?: number;
  /** How long workers are killed for. */
  durationMs?: number;
  killEveryMs?: number;
  /** The fake server's latency per call. */
  latencyMs?: number;
  /** Steps at once per worker. */
  concurrency?: number;
  /** A uniform number in [0, 1): which worker dies, and a little jitter. */
  random?: () => number;
  /**
   * How long a killed owner's runs wait before another owner takes them over (its heartbeat
   * is a third of it). @default 6000
   */
  ownerStaleAfterMs?: number;
  /**
   * A worker's job lock, and how often workers look for jobs whose worker died: a killed
   * worker's steps run again after about their sum. @default the worker's (7000 and 2000)
   */
  workerLockMs?: number;
  workerStalledCheckMs?: number;
  /** How long the runs may take to end once the chaos stops. @default 300000 */
  waitMs?: number;
  log?: (line: string) => void;
}

/**
 * The short campaign (the one in `npm test`, and each of the soak's): 8 runs, a worker
 * killed about every 1.1 s for 5 s, the fake server answering in 150 ms.
 */
export const shortCampaign = {
  runs: 8,
  durationMs: 5000,
  killEveryMs: 1100,
  latencyMs: 150,
} as const satisfies WorkersChaosOptions;

export interface WorkersChaosReport {
  runs: number;
  succeeded: number;
  /** Runs whose output is the output of the same run uninterrupted. */
  outputsMatch: number;
  /** Steps that never ended (of runs * 20). */
  lost: number;
  /** Steps with more than one step-end. */
  duplicated: number;
  workerKills: number;
  ownerKills: number;
  /** Tokens in the runs' usage, and tokens of the answers the server wrote in full. */
  recordedTokens: number;
  /**
   * Tokens the runs booked as possibly billed: calls whose request went out and whose
   * reply never reached the log (the worker making them was killed).
   */
  possiblyBilledTokens: number;
  /**
   * Possibly billed tokens of the model calls the logs hold as ended without their reply
   * (cut short by a worker's death, or aborted): the runs book each at most once.
   */
  loggedPossiblyBilledTokens: number;
  servedTokens: number;
  /** Answers the server sent. */
  answers: number;
  /** Steps at once per worker: at most this many calls were in flight on each killed worker. */
  concurrency: number;
  /** Tokens of one answer (every answer has the same usage). */
  tokensPerAnswer: number;
  seconds: number;
  failures: string[];
}

const STEPS = LAYERS * WIDTH;
const USAGE = { promptTokens: 12, completionTokens: 3 };
const ownerScript = fileURLToPath(new URL("./chaos-owner.ts", import.meta.url));
const registry = fileURLToPath(new URL("./chaos-workflows.ts", import.meta.url));

function hash(text: string): number {
  let value = 0;
  for (const char of text) value = (value * 31 + char.charCodeAt(0)) >>> 0;
  return value;
}

export async function workersChaos({
  runs = 100,
  workers = 4,
  durationMs = 60_000,
  killEveryMs = 2000,
  latencyMs = 300,
  concurrency = 8,
  random = Math.random,
  ownerStaleAfterMs = 6000,
  workerLockMs,
  workerStalledCheckMs,
  waitMs = 300_000,
  log = () => {},
}: WorkersChaosOptions = {}): Promise<WorkersChaosReport> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "baton-workers-chaos-"));
  const redis = await startRedisServer();
  const server = await startFakeOpenAIServer({
    fallbackReply: (request) => {
      const messages = request.body?.messages ?? [];
      const prompt = String(messages.filter((m) => m.role === "user").at(-1)?.content ?? "");
      return { text: `r${hash(prompt) % 100_000}`, delayMs: latencyMs, usage: USAGE };
    },
  });
  const countAnswers = () => {
    // The server counts an answer's usage as it sends it; requests it never answered (the
    // worker died first) add nothing.
    const totals = server.usageTotals();
    return totals.inputTokens / USAGE.promptTokens;
  };
  // Worker and owner processes find the server here (they inherit the environment).
  const previousBaseURL = process.env.BATON_FAKE_BASE_URL;
  process.env.BATON_FAKE_BASE_URL = server.baseURL;
  const fleet = new WorkerFleet();
  const owners: ChildProcess[] = [];
  const failures: string[] = [];
  const store = join(dir, "runs.db");
  const prefix = "chaos";
  try {
    // The expected outputs: each run once, in this process, uninterrupted (while the worker
    // and owner processes start: no run reaches them before the expected ones are done).
    const flow = chaosWorkflows(server.baseURL).chaos as Workflow<{ seed: number }>;
    const computingExpected = Promise.all(
      Array.from({ length: runs }, async (_, seed) => {
        const result = await flow.start({ seed }, { store: new MemoryStore() }).result;
        return result.output;
      }),
    );
    computingExpected.catch(() => {}); // awaited below; a failure must not go unhandled meanwhile
    const workerConfig = {
      queue: redis.url(),
      store,
      registry,
      prefix,
      concurrency,
      ...(workerLockMs ? { lockMs: workerLockMs } : {}),
      ...(workerStalledCheckMs ? { stalledCheckMs: workerStalledCheckMs } : {}),
    };
    await Promise.all(Array.from({ length: workers }, () => fleet.start(workerConfig)));
    const startOwner = async () => {
      const owner = fork(
        bundledScript(ownerScript),
        [JSON.stringify({ queue: redis.url(), store, prefix, staleAfterMs: ownerStaleAfterMs })],
        {
          execArgv: [],
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        },
      );
      await new Promise<void>((resolve) =>
        owner.on("message", (message: { ready?: boolean }) => message.ready && resolve()),
      );
      return owner;
    };
    owners.push(...(await Promise.all([startOwner(), startOwner()])));
    const expected = await computingExpected;
    log(`expected outputs of ${runs} runs computed`);
    // Answers written in full: served, or discarded as the server saw it. A SIGKILLed worker's
    // kernel closes its idle connections cleanly, so the last answer it read on one looks
    // discarded to the server: the two are one figure here.
    const written = () => server.usageTotals().totalTokens + server.discardedUsage().totalTokens;
    const baseline = written();
    const answersBefore = countAnswers();
    const runIds: string[] = [];
    const seeds = Array.from({ length: runs }, (_, seed) => seed);
    const halves = [seeds.slice(0, Math.ceil(runs / 2)), seeds.slice(Math.ceil(runs / 2))];
    for (const [index, half] of halves.entries()) {
      const owner = owners[index]!;
      const ids = await new Promise<string[]>((resolve) => {
        owner.on(
          "message",
          (message: { runIds?: string[] }) => message.runIds && resolve(message.runIds),
        );
        owner.send({ start: half });
      });
      runIds.push(...ids);
    }
    const seedOf = new Map(
      runIds.map((id, index) => [
        id,
        index < halves[0]!.length ? halves[0]![index]! : halves[1]![index - halves[0]!.length]!,
      ]),
    );
    log(`${runIds.length} runs started on 2 owners, ${workers} workers`);

    // Chaos: a random worker every ~killEveryMs, and each owner once.
    let workerKills = 0;
    let ownerKills = 0;
    const chaosEnd = Date.now() + durationMs;
    const ownerKillAt = [Date.now() + durationMs / 3, Date.now() + (2 * durationMs) / 3];
    const restarts: Promise<unknown>[] = [];
    while (Date.now() < chaosEnd) {
      await new Promise((resolve) => setTimeout(resolve, killEveryMs * (0.75 + random() / 2)));
      // Any worker process, started or still starting, and a new one in its place.
      const alive = fleet.alive;
      if (alive.length > 0) {
        const victim = alive[Math.floor(random() * alive.length)]!;
        await fleet.kill(victim);
        workerKills++;
        restarts.push(fleet.spawn(workerConfig).ready.catch(() => {}));
      }
      const due = ownerKillAt[0];
      if (due !== undefined && Date.now() >= due) {
        ownerKillAt.shift();
        const index = ownerKills % 2;
        const owner = owners[index]!;
        const exited = new Promise((resolve) => owner.once("exit", resolve));
        owner.kill("SIGKILL");
        await exited;
        ownerKills++;
        log(`owner ${index + 1} killed`);
        restarts.push(
          startOwner().then((started) => {
            owners[index] = started;
          }),
        );
      }
    }
    await Promise.all(restarts);
    log(`${workerKills} workers and ${ownerKills} owners killed; waiting for the runs to end`);

    // Every run ends (or the wait gives up after 5 minutes).
    const reader = await SqliteStore.open(store, { readOnly: true });
    try {
      const deadline = Date.now() + waitMs;
      let open = runIds.length;
      while (Date.now() < deadline) {
        const records = await Promise.all(runIds.map((id) => reader.getRun(id)));
        open = records.filter(
          (record) => !["succeeded", "failed", "cancelled"].includes(record?.status ?? ""),
        ).length;
        if (open === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      if (open > 0) {
        failures.push(`${open} runs had not ended after ${waitMs / 1000} s`);
        for (const runId of runIds) {
          const record = await reader.getRun(runId);
          if (["succeeded", "failed", "cancelled"].includes(record?.status ?? "")) continue;
          const events = await reader.readLog(runId);
          const state = foldRunLog(events, { runId });
          const running = Object.values(state.steps).filter((step) => step.status === "running");
          failures.push(
            `open run ${runId} (owner ${record?.owner}): running ${running.map((step) => step.id).join(",")}; last events ${events
              .slice(-4)
              .map((event) => `${event.type}:${event.stepId ?? ""}`)
              .join(" ")}`,
          );
          failures.push(
            `its whole log: ${events.map((event) => `${event.type}:${event.stepId ?? ""}`).join(" ")}`,
            ...(await queueState(redis.url(), prefix, runId)),
          );
          break;
        }
      }
      let succeeded = 0;
      let outputsMatch = 0;
      let lost = 0;
      let duplicated = 0;
      let recordedTokens = 0;
      let possiblyBilledTokens = 0;
      let loggedPossiblyBilledTokens = 0;
      for (const runId of runIds) {
        const record = await reader.getRun(runId);
        const log = await reader.readLog(runId);
        if (record?.status === "succeeded") succeeded++;
        else failures.push(`run ${runId}: ${record?.status} ${record?.error ?? ""}`);
        if (JSON.stringify(record?.output) === JSON.stringify(expected[seedOf.get(runId)!])) {
          outputsMatch++;
        }
        const ends = new Map<string, number>();
        for (const event of log) {
          if (event.type === "step-end" && event.runId === runId) {
            ends.set(event.stepId as string, (ends.get(event.stepId as string) ?? 0) + 1);
          }
          if (event.type === "model-call-error") {
            loggedPossiblyBilledTokens +=
              (event.usage as { possiblyBilledTokens?: number } | undefined)
                ?.possiblyBilledTokens ?? 0;
          }
        }
        lost += STEPS - ends.size;
        duplicated += [...ends.values()].filter((count) => count > 1).length;
        const end = log.find((event) => event.type === "run-end" && event.runId === runId);
        const usage = end?.usage as
          | { totalTokens?: number; possiblyBilledTokens?: number }
          | undefined;
        recordedTokens += usage?.totalTokens ?? 0;
        possiblyBilledTokens += usage?.possiblyBilledTokens ?? 0;
      }
      return {
        runs: runIds.length,
        succeeded,
        outputsMatch,
        lost,
        duplicated,
        workerKills,
        ownerKills,
        recordedTokens,
        possiblyBilledTokens,
        loggedPossiblyBilledTokens,
        servedTokens: written() - baseline,
        answers: countAnswers() - answersBefore,
        concurrency,
        tokensPerAnswer: USAGE.promptTokens + USAGE.completionTokens,
        seconds: (performance.now() - started) / 1000,
        failures,
      };
    } finally {
      await reader.close();
    }
  } finally {
    for (const owner of owners) owner.kill("SIGKILL");
    await fleet.stopAll();
    if (previousBaseURL === undefined) delete process.env.BATON_FAKE_BASE_URL;
    else process.env.BATON_FAKE_BASE_URL = previousBaseURL;
    await server.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What Redis holds of an open run: where its steps were sent, and what became of their jobs. */
async function queueState(url: string, prefix: string, runId: string): Promise<string[]> {
  const keys = queueKeys(prefix);
  const redis = new Redis(url);
  try {
    const lines: string[] = [];
    const inflight = await redis.hgetall(keys.inflight(runId));
    for (const [field, text] of Object.entries(inflight)) {
      const record = JSON.parse(text) as { queue: string; job: string; attempt: string };
      const job = await redis.hgetall(keys.job(record.queue, record.job));
      const lock = await redis.get(keys.lock(record.queue, record.job));
      const { data: _data, opts: _opts, ...fields } = job;
      lines.push(`inflight ${field}: ${text}; job ${JSON.stringify({ ...fields, lock })}`);
    }
    return lines;
  } finally {
    redis.disconnect();
  }
}
