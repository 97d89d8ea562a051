/**
 * Runs one contender on one workload in a process of its own (so its peak RSS is its own) and
 * reports the timings to the parent (bench/run.ts) over the IPC channel. Not meant to be run
 * by hand: `npm run bench` spawns it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Contender, isUnsupported } from "./workloads/contender.js";
import { FakeModel } from "./workloads/fake-model.js";
import { FakeProvider } from "./workloads/fake-provider.js";
import type { CaseReport, ChildReport, ExtraReport } from "./workloads/report-types.js";
import { findWorkload, type WorkloadCase } from "./workloads/workload.js";

type StoreKind = "sqlite" | "postgres";

interface ContenderModule {
  createContender(options: {
    estimates?: boolean;
    store?: StoreKind;
    telemetry?: boolean;
  }): Contender;
  extras?(
    workloadId: string,
    options: { runs: number; directory: string; store?: StoreKind; postgresUrl?: string },
  ): Promise<ExtraReport[]>;
}

const modules: Record<
  string,
  { path: string; estimates?: boolean; store?: StoreKind; telemetry?: boolean }
> = {
  baseline: { path: "./workloads/baseline.js" },
  baton: { path: "./workloads/baton.js" },
  "baton-est": { path: "./workloads/baton.js", estimates: true },
  "baton-otel": { path: "./workloads/baton.js", telemetry: true },
  "baton-pg": { path: "./workloads/baton.js", store: "postgres" },
  "baton-pg-async": { path: "./workloads/baton.js", store: "postgres" },
  langgraph: { path: "./peers/langgraph.js" },
  "langgraph-pg": { path: "./peers/langgraph.js", store: "postgres" },
  mastra: { path: "./peers/mastra.js" },
};

/** The database of a PostgreSQL column (bench/run.ts starts the server and names it). */
const postgresUrl = process.env.BATON_BENCH_POSTGRES_URL || undefined;

// Run every contender as production code runs: without source-map translation of stacks
// (tsx turns it on; it makes each captured stack trace several times dearer).
process.setSourceMapsEnabled(false);

const { values } = parseArgs({
  options: {
    contender: { type: "string" },
    workload: { type: "string" },
    runs: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    "warmup-seconds": { type: "string", default: "Infinity" },
    /** Runs only the contender's extra measurements, in a process of their own. */
    extras: { type: "boolean", default: false },
  },
});

function send(report: ChildReport): Promise<void> {
  return new Promise((resolve) => {
    if (process.send) process.send(report, () => resolve());
    else {
      console.log(JSON.stringify(report));
      resolve();
    }
  });
}

function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

async function runCase(
  contender: Contender,
  workloadCase: WorkloadCase,
  runs: number,
  warmup: number,
  warmupMs: number,
): Promise<CaseReport> {
  const model = new FakeModel(workloadCase);
  const { llm } = workloadCase;
  const provider = llm ? new FakeProvider({ ...workloadCase, llm }) : undefined;
  const directory = await mkdtemp(join(tmpdir(), "baton-bench-"));
  try {
    const prepared = await contender.prepare(workloadCase, {
      model,
      directory,
      ...(provider ? { provider } : {}),
      ...(postgresUrl ? { postgresUrl } : {}),
    });
    if (isUnsupported(prepared)) {
      return { label: workloadCase.label, samples: [], status: prepared.unsupported };
    }
    const samples: number[] = [];
    const rateLimited: number[] = [];
    const injected: number[] = [];
    const run = async (): Promise<number | string> => {
      model.reset();
      provider?.reset();
      const started = performance.now();
      const output = await prepared.run();
      const elapsed = performance.now() - started;
      const problems = provider ? provider.problems() : model.problems(workloadCase);
      if (provider) {
        rateLimited.push(provider.limited);
        injected.push(provider.injected);
      }
      if (workloadCase.shape.kind === "chain" && output !== workloadCase.steps.length) {
        problems.push(`output ${String(output)}, expected ${workloadCase.steps.length}`);
      }
      return problems.length > 0 ? `invalid: ${problems.join("; ")}` : elapsed;
    };
    try {
      // Warm-up: up to `warmup` runs, stopping early once `warmupMs` have passed, so a slow
      // contender is not kept for minutes while the JIT settles for the fast ones.
      const warmupEnds = performance.now() + warmupMs;
      for (let index = 0; index < warmup && performance.now() < warmupEnds; index++) {
        const outcome = await run();
        if (typeof outcome === "string") {
          return { label: workloadCase.label, samples, status: outcome };
        }
      }
      for (let index = 0; index < runs; index++) {
        const outcome = await run();
        if (typeof outcome === "string") {
          return { label: workloadCase.label, samples, status: outcome };
        }
        samples.push(outcome);
      }
    } finally {
      await prepared.close?.();
    }
    return {
      label: workloadCase.label,
      samples,
      status: "ok",
      ...(provider
        ? { rateLimited: rateLimited.slice(-runs), injected: injected.slice(-runs) }
        : {}),
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const contenderId = values.contender ?? "";
  const workload = findWorkload(values.workload ?? "");
  const entry = modules[contenderId];
  if (entry === undefined || workload === undefined) {
    throw new TypeError(
      `Expected --contender one of ${Object.keys(modules).join(", ")} and --workload W1-W8, received ${contenderId} and ${values.workload}`,
    );
  }
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  const warmupMs = Number(values["warmup-seconds"]) * 1000;
  let module: ContenderModule;
  try {
    module = (await import(entry.path)) as ContenderModule;
  } catch (error) {
    const isPeer = entry.path.startsWith("./peers/");
    const status =
      isPeer && isModuleNotFound(error)
        ? "not installed: run `npm run bench:setup`"
        : `error: ${(error as Error).message.split("\n")[0]}`;
    await send({ cases: workload.cases.map((c) => ({ label: c.label, samples: [], status })) });
    return;
  }
  if (values.extras) {
    await send({
      cases: [],
      extras: await runExtras(module, workload.id, Number(values.runs), entry.store),
    });
    return;
  }
  const contender = module.createContender({
    estimates: entry.estimates === true,
    telemetry: entry.telemetry === true,
    ...(entry.store ? { store: entry.store } : {}),
  });
  const cases: CaseReport[] = [];
  for (const workloadCase of workload.cases) {
    try {
      cases.push(await runCase(contender, workloadCase, runs, warmup, warmupMs));
    } catch (error) {
      const message = (error as Error).message.split("\n")[0];
      cases.push({ label: workloadCase.label, samples: [], status: `error: ${message}` });
    }
  }
  await send({ cases, maxRssMb: maxRssMb() });
}

async function runExtras(
  module: ContenderModule,
  workloadId: string,
  runs: number,
  store: StoreKind | undefined,
): Promise<ExtraReport[]> {
  if (!module.extras) return [];
  const directory = await mkdtemp(join(tmpdir(), "baton-bench-"));
  try {
    return await module.extras(workloadId, {
      runs,
      directory,
      ...(store ? { store } : {}),
      ...(postgresUrl ? { postgresUrl } : {}),
    });
  } catch (error) {
    return [{ label: "extras", samples: [], status: `error: ${(error as Error).message}` }];
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

await main();
// A library may leave timers or handles open; the report is sent, so end here.
process.exit(0);
