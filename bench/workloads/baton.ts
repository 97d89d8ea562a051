import { join } from "node:path";
import { foldRunLog, type StepResults } from "../../src/core/index.js";
import type { LoggedEvent, RunStore } from "../../src/core/ports/run-store.js";
import { workflow } from "../../src/runtime/workflow.js";
import { MemoryStore } from "../../src/stores/memory/memory-store.js";
import { PostgresStore } from "../../src/stores/postgres/index.js";
import { SqliteStore } from "../../src/stores/sqlite/index.js";
import type { Contender, PreparedCase, Unsupported } from "./contender.js";
import { batonLlmRun } from "./llm-contenders.js";
import type { ExtraReport } from "./report-types.js";
import type { WorkloadCase } from "./workload.js";

/** Where the durable case (W5) keeps its runs. */
export type DurableStoreKind = "sqlite" | "postgres";

/**
 * Opens the durable store: an SQLite file in `directory`, or a fresh schema of the
 * PostgreSQL database `postgresUrl` (the bench's own temporary server).
 */
async function openDurableStore(
  kind: DurableStoreKind,
  { directory, postgresUrl, name }: { directory: string; postgresUrl?: string; name: string },
): Promise<RunStore> {
  if (kind === "sqlite") return new SqliteStore({ path: join(directory, `${name}.sqlite`) });
  if (!postgresUrl)
    throw new Error("no PostgreSQL server for the bench (BATON_BENCH_POSTGRES_URL)");
  return PostgresStore.open(postgresUrl, { schema: `${name}_${process.pid}` });
}

/**
 * Baton running the workloads the way its users would: one `.step` per step with
 * `dependsOn`, the run's `concurrency`, a `SqliteStore` (or, for the "baton-pg" columns, a
 * `PostgresStore`) for the durable case, (for the "baton-est" column) `estimatedMs` on
 * every step so the scheduler knows the critical path, and (for the "baton-otel" column)
 * `telemetry()` of baton-ai/telemetry with no tracer provider registered, which must cost nothing.
 */
export function createContender({
  estimates = false,
  store: storeKind = "sqlite",
  telemetry = false,
}: {
  estimates?: boolean;
  store?: DurableStoreKind;
  telemetry?: boolean;
} = {}): Contender {
  return {
    async prepare(
      workloadCase: WorkloadCase,
      { model, directory, provider, postgresUrl },
    ): Promise<PreparedCase | Unsupported> {
      const { llm } = workloadCase;
      if (llm && provider) return batonLlmRun({ ...workloadCase, llm }, provider);
      const isChain = workloadCase.shape.kind === "chain";
      const flow = workflow(`bench-${workloadCase.label}`);
      for (const step of workloadCase.steps) {
        const previous = step.deps[0];
        flow.step(
          step.id,
          isChain
            ? ({ results }: { results: StepResults }) =>
                model.call(step.id, previous === undefined ? 0 : (results[previous] as number))
            : () => model.call(step.id),
          { dependsOn: step.deps, ...(estimates ? { estimatedMs: step.ms } : {}) },
        );
      }
      const store = workloadCase.durable
        ? await openDurableStore(storeKind, {
            directory,
            ...(postgresUrl ? { postgresUrl } : {}),
            name: "baton",
          })
        : undefined;
      // Loaded only for its column, as a program that never traces never loads it.
      const tracing = telemetry
        ? (await import("../../src/telemetry/index.js")).telemetry()
        : undefined;
      return {
        async run() {
          const run = flow.start(undefined, {
            ...(tracing ? { telemetry: tracing } : {}),
            ...(workloadCase.concurrency !== undefined
              ? { concurrency: workloadCase.concurrency }
              : {}),
            ...(store ? { store } : {}),
          });
          const result = await run.result;
          if (result.status !== "succeeded") {
            throw new Error(`Baton run ended ${result.status}: ${result.error?.message}`);
          }
          return result.output;
        },
        async close() {
          await store?.close();
        },
      };
    },
  };
}

const RESUME_STEPS = 10_000;

/**
 * W5's extra figure: resuming a run whose log holds 10,000 ended steps. A chain of 10,001
 * steps runs once (in memory); its log, cut just before the last step started (as if the
 * process had died there), is copied into a fresh run in the durable store (SQLite or
 * PostgreSQL) for each sample. The time covers reading the log from that store, folding it,
 * and running the run to its end (the one step left, recorded in that store).
 */
export async function extras(
  workloadId: string,
  {
    runs,
    directory,
    store: storeKind = "sqlite",
    postgresUrl,
  }: { runs: number; directory: string; store?: DurableStoreKind; postgresUrl?: string },
): Promise<ExtraReport[]> {
  if (workloadId !== "W5") return [];
  const label = `resume a ${RESUME_STEPS.toLocaleString("en")}-step log (read + fold + finish)`;
  const last = `s${RESUME_STEPS}`;
  let executed = 0;
  const flow = workflow("bench-resume");
  for (let index = 0; index <= RESUME_STEPS; index++) {
    flow.step(
      `s${index}`,
      ({ results }: { results: StepResults }) => {
        executed++;
        return index === 0 ? 1 : (results[`s${index - 1}`] as number) + 1;
      },
      index === 0 ? {} : { dependsOn: [`s${index - 1}`] },
    );
  }
  const seedStore = new MemoryStore();
  const first = await flow.start(undefined, { store: seedStore }).result;
  if (first.status !== "succeeded") {
    return [{ label, samples: [], status: `error: the seed run ended ${first.status}` }];
  }
  const log = await seedStore.readLog(first.runId);
  const cut = log.findIndex((event) => event.stepId === last);
  const prefix: LoggedEvent[] = log.slice(0, cut).map(({ seq: _seq, ...event }) => event);
  const record = await seedStore.getRun(first.runId);
  const store = await openDurableStore(storeKind, {
    directory,
    ...(postgresUrl ? { postgresUrl } : {}),
    name: "resume",
  });
  try {
    const samples: number[] = [];
    for (let index = 0; index < runs + 1; index++) {
      const runId = `resume-${index}`;
      await store.createRun({
        id: runId,
        workflow: record?.workflow ?? "bench-resume",
        status: "running",
        createdAt: Date.now(),
      });
      await store.append(
        runId,
        prefix.map((event) => ({ ...event, runId })),
      );
      executed = 0;
      const started = performance.now();
      const state = foldRunLog(await store.readLog(runId));
      const result = await flow.start(undefined, { store, resumeFrom: state }).result;
      const elapsed = performance.now() - started;
      if (result.status !== "succeeded" || executed !== 1 || result.output !== RESUME_STEPS + 1) {
        return [
          {
            label,
            samples: [],
            status: `invalid: status ${result.status}, ${executed} steps ran again, output ${String(result.output)}`,
          },
        ];
      }
      if (index > 0) samples.push(elapsed);
    }
    return [{ label, samples, status: "ok" }];
  } finally {
    await store.close();
  }
}
