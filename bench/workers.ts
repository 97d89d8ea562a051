/**
 * The workers benchmark (`npm run bench -- --only workers`): runs whose steps go through
 * a BullMQ queue on a Redis it starts to 1, 2 and 4 worker processes. Measures no-op steps
 * per second, the round trip of one step (a chain run one step after another), and the
 * makespan of 2,000 agent steps on a fake OpenAI-compatible server answering after 50 ms (in
 * a process of its own, as a provider is elsewhere: see fake-model-server.ts). Workers are
 * started, and warm (`worker()` preloads its agents), before a case's clock starts; each
 * timed case follows an untimed warm-up run on the same workers (the JIT's first steps).
 *
 *   node --import tsx bench/workers.ts [--steps 2000] [--concurrency 16]
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Workflow } from "../src/core/workflow/workflow.js";
import { MemoryStore } from "../src/stores/memory/memory-store.js";
import { queueDispatcher } from "../src/workers/queue-dispatcher.js";
import { bundledScript } from "../test/support/bundled-script.js";
import { findRedisServer, startRedisServer } from "../test/support/redis-server.js";
import { WorkerFleet } from "../test/workers/worker-fleet.js";
import { CALLS_WARMUP_STEPS, workersWorkflows } from "./workloads/workers-workflows.js";

export interface WorkersFigures {
  workers: number;
  noopStepsPerSecond: number;
  chainStepMs: number;
  callsMakespanMs: number;
}

/**
 * Steps at once per worker in the agent-steps case: few, so that one worker waits on the
 * model rather than on the CPU (the case the issue measures scaling in).
 */
export const CALLS_CONCURRENCY = 2;

/** Runs the workers benchmark; undefined (with why) when there is no redis-server. */
export async function measureWorkers({
  steps = 2000,
  chain = 200,
  concurrency = 16,
  counts = [1, 2, 4],
  log = (line: string) => process.stderr.write(`${line}\n`),
}: {
  steps?: number;
  chain?: number;
  concurrency?: number;
  counts?: number[];
  log?: (line: string) => void;
} = {}): Promise<WorkersFigures[] | string> {
  if (!findRedisServer()) return "n/a: no redis-server (apt-get install redis-server)";
  const redis = await startRedisServer();
  const server = await startModelServer(50);
  const env = {
    ...process.env,
    BATON_FAKE_BASE_URL: server.baseURL,
    BATON_BENCH_STEPS: String(steps),
    BATON_BENCH_CHAIN: String(chain),
  };
  Object.assign(process.env, env);
  const flows = workersWorkflows(env) as Record<string, Workflow>;
  const dir = mkdtempSync(join(tmpdir(), "baton-bench-workers-"));
  const registry = fileURLToPath(new URL("./workloads/workers-workflows.ts", import.meta.url));
  const rows: WorkersFigures[] = [];
  const fleet = new WorkerFleet();
  try {
    for (const count of counts) {
      const prefix = `bench${count}`;
      const config = {
        queue: redis.url(),
        store: join(dir, `runs-${count}.db`),
        registry,
        prefix,
        concurrency,
      };
      await Promise.all(Array.from({ length: count }, () => fleet.start(config)));
      const dispatcher = queueDispatcher({ queue: redis.url(), prefix });
      const timed = async (name: string, through = dispatcher) => {
        const started = performance.now();
        const result = await flows[name]!.start(undefined as never, {
          dispatcher: through,
          store: new MemoryStore(),
        }).result;
        if (result.status !== "succeeded") {
          throw new Error(`${name} ${result.status}: ${result.error?.message}`);
        }
        return performance.now() - started;
      };
      await timed("noop"); // warm-up: connections, JIT
      const noopMs = await timed("noop");
      const chainMs = await timed("chain");
      await dispatcher.close();
      await fleet.stopAll();
      // The agent steps: workers that run CALLS_CONCURRENCY steps at once, one step per job.
      const callsPrefix = `${prefix}calls`;
      await Promise.all(
        Array.from({ length: count }, () =>
          fleet.start({ ...config, prefix: callsPrefix, concurrency: CALLS_CONCURRENCY }),
        ),
      );
      const callsDispatcher = queueDispatcher({
        queue: redis.url(),
        prefix: callsPrefix,
        batchSize: 1,
      });
      // Untimed, as the no-op warm-up: the JIT's first few hundred steps on fresh workers.
      await timed("calls-warmup", callsDispatcher);
      const callsMs = await timed("calls", callsDispatcher);
      await callsDispatcher.close();
      const row = {
        workers: count,
        noopStepsPerSecond: Math.round(steps / (noopMs / 1000)),
        chainStepMs: Number((chainMs / chain).toFixed(2)),
        callsMakespanMs: Math.round(callsMs),
      };
      log(`workers: ${JSON.stringify(row)}`);
      rows.push(row);
      await fleet.stopAll();
    }
    return rows;
  } finally {
    await fleet.stopAll();
    await server.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts the fake model server (fake-model-server.ts) in a process of its own, answering
 * after `delayMs`; `close` ends it.
 */
async function startModelServer(
  delayMs: number,
): Promise<{ baseURL: string; close(): Promise<void> }> {
  const script = fileURLToPath(new URL("./fake-model-server.ts", import.meta.url));
  const child = fork(bundledScript(script), [String(delayMs)], {
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseURL = await new Promise<string>((resolve, reject) => {
    child.once("message", (message: { baseURL: string }) => resolve(message.baseURL));
    child.once("exit", (code) => reject(new Error(`the fake model server exited with ${code}`)));
  });
  return {
    baseURL,
    async close() {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}

/** The figures as a Markdown table, with the targets. */
export function workersTable(rows: WorkersFigures[] | string, concurrency = 16): string {
  if (typeof rows === "string") return `### Workers\n\n${rows}`;
  const one = rows.find((row) => row.workers === 1);
  const lines = [
    "### Workers (steps through a BullMQ queue to worker processes)",
    "",
    `2,000 no-op steps (one run, every step ready at once) and a 200-step chain (one step at a time), ${concurrency} steps at once per worker; 2,000 agent steps on a fake OpenAI-compatible server (a process of its own) answering after 50 ms, ${CALLS_CONCURRENCY} steps at once per worker, one step per job. Workers start (warm) before the clock does, and run ${CALLS_WARMUP_STEPS} such steps untimed first (the JIT's warm-up, as the no-op case's warm-up run).`,
    "",
    "| workers | no-op steps/s | one step's round trip (chain) | 2,000 agent steps of 50 ms: makespan | speed-up over 1 worker |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map(
      (row) =>
        `| ${row.workers} | ${row.noopStepsPerSecond} | ${row.chainStepMs} ms | ${(row.callsMakespanMs / 1000).toFixed(2)} s | ${one ? (one.callsMakespanMs / row.callsMakespanMs).toFixed(2) : "?"}x |`,
    ),
    "",
    "Targets (issue 14): >= 1,500 no-op steps/s with 2 workers; 4 workers >= 3.5x one on the 50 ms agent steps.",
  ];
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      steps: { type: "string", default: "2000" },
      concurrency: { type: "string", default: "16" },
    },
  });
  const concurrency = Number(values.concurrency);
  const rows = await measureWorkers({ steps: Number(values.steps), concurrency });
  console.log(workersTable(rows, concurrency));
  console.log(
    `\nload average at end: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(", ")}`,
  );
}
