/**
 * `npm run bench`: runs each workload side by side with a plain async/await baseline, Baton,
 * LangGraph.js and Mastra, each contender in a Node process of its own, and prints one
 * Markdown table per workload (or JSON with `--json`).
 *
 *   npm run bench -- --runs 5 --only W1,W3,import --libs baseline,baton --json
 *
 * Peers live in the separate package bench/peers (`npm run bench:setup` installs them); when
 * it is not installed their columns say so and everything else still runs.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  findPostgresBinaries,
  type PostgresServer,
  startPostgresServer,
} from "../test/support/postgres-server.js";
import { measureWorkers, workersTable } from "./workers.js";
import {
  type ImportResult,
  importTable,
  type WorkloadResult,
  workloadTable,
} from "./workloads/markdown-report.js";
import type { ChildReport } from "./workloads/report-types.js";
import { targetLines } from "./workloads/targets.js";
import { type Workload, workloads } from "./workloads/workload.js";

const benchDir = dirname(fileURLToPath(import.meta.url));
const rootDir = dirname(benchDir);
const peersDir = join(benchDir, "peers");
const NOT_INSTALLED = "not installed: run `npm run bench:setup`";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    warmup: { type: "string" },
    only: { type: "string" },
    libs: { type: "string", default: "baseline,baton,langgraph,mastra" },
    json: { type: "boolean", default: false },
    timeout: { type: "string", default: "240" },
    "skip-postgres": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`npm run bench -- [options]
  --runs N        measured runs per case (default 5)
  --warmup N      warm-up runs per case (default: W1 up to 100 within 2 s, W5 up to 20
                  within 3 s, W7 none, W8 one, others 1)
  --only LIST     workloads to run, e.g. W1,W3,import,workers (default: all; workers
                  starts Debian's redis-server and worker processes: see docs/distributed.md)
  --libs LIST     contenders: baseline,baton,langgraph,mastra (default: all)
  --timeout S     seconds before a contender's process is stopped (default 240)
  --skip-postgres leave out W5's PostgreSQL columns (Baton and LangGraph.js on a temporary
                  server the bench starts from Debian's postgresql binaries)
  --json          print JSON instead of Markdown`);
  process.exit(0);
}

const runs = positiveInteger("--runs", values.runs);
/**
 * Warm-up runs (not measured) per case, and a time cap on them. The sub-millisecond chains get
 * many (the JIT takes dozens of runs to settle, and a long-lived server is warm) and 3x the
 * measured runs (each is short and noisy); W7 none (each run takes over a second).
 */
const plans: Record<string, { warmup: number; seconds: number; runFactor: number }> = {
  W1: { warmup: 100, seconds: 2, runFactor: 3 },
  W5: { warmup: 20, seconds: 3, runFactor: 3 },
  W7: { warmup: 0, seconds: 0, runFactor: 1 },
  W8: { warmup: 1, seconds: 0, runFactor: 1 },
};
const defaultPlan = { warmup: 1, seconds: Number.POSITIVE_INFINITY, runFactor: 1 };
const warmupOverride =
  values.warmup === undefined ? undefined : positiveInteger("--warmup", values.warmup, 0);
function planFor(workload: Workload): { warmup: number; seconds: number; runs: number } {
  const plan = plans[workload.id] ?? defaultPlan;
  return {
    warmup: warmupOverride ?? plan.warmup,
    seconds: warmupOverride === undefined ? plan.seconds : Number.POSITIVE_INFINITY,
    runs: runs * plan.runFactor,
  };
}
const timeoutMs = positiveInteger("--timeout", values.timeout) * 1000;
const only = values.only?.split(",").map((item) => item.trim().toUpperCase());
const libs = new Set(values.libs.split(",").map((item) => item.trim().toLowerCase()));
const knownOnly = new Set([...workloads.map((workload) => workload.id), "IMPORT", "WORKERS"]);
for (const item of only ?? []) {
  if (!knownOnly.has(item)) {
    throw new TypeError(
      `Expected --only items among ${[...knownOnly].join(", ")}, received ${item}`,
    );
  }
}
for (const item of libs) {
  if (!["baseline", "baton", "langgraph", "mastra"].includes(item)) {
    throw new TypeError(
      `Expected --libs items among baseline, baton, langgraph, mastra, received ${item}`,
    );
  }
}

function positiveInteger(name: string, text: string, minimum = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    throw new TypeError(`Expected ${name} to be an integer >= ${minimum}, received ${text}`);
  }
  return value;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function packageVersion(directory: string, name: string): string | undefined {
  const file = join(directory, "node_modules", name, "package.json");
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

const peerPackages: Record<string, string> = {
  langgraph: "@langchain/langgraph",
  "langgraph-pg": "@langchain/langgraph-checkpoint-postgres",
  mastra: "@mastra/core",
};

function isInstalled(contender: string): boolean {
  const name = peerPackages[contender];
  return name === undefined || packageVersion(peersDir, name) !== undefined;
}

/** W5 also runs on PostgreSQL: Baton (commits synchronous, and not) and LangGraph.js. */
const withPostgres = !values["skip-postgres"];

function contendersFor(workload: Workload): string[] {
  const onPostgres = workload.id === "W5" && withPostgres;
  const all = ["baseline", "baton"];
  if (workload.id === "W1") all.push("baton-otel");
  if (workload.id === "W7") all.push("baton-est");
  if (onPostgres) all.push("baton-pg", "baton-pg-async");
  all.push("langgraph", ...(onPostgres ? ["langgraph-pg"] : []), "mastra");
  // Variant columns (baton-otel, baton-est, baton-pg, langgraph-pg) come with their library.
  return all.filter((id) => libs.has(id.split("-")[0]!));
}

/**
 * The bench's own PostgreSQL server for W5's PostgreSQL columns, started on first use with
 * the server's default durability (fsync, synchronous commits) and stopped at the end; one
 * database per column. Undefined when the machine has no server binaries.
 */
let postgres: Promise<PostgresServer | undefined> | undefined;
const NO_POSTGRES = "n/a: no PostgreSQL server binaries (apt-get install postgresql)";

async function postgresUrlFor(contender: string): Promise<string | undefined> {
  if (!contender.includes("-pg")) return undefined;
  postgres ??= findPostgresBinaries()
    ? startPostgresServer({ durable: true })
    : Promise.resolve(undefined);
  const server = await postgres;
  if (!server) return undefined;
  const url = await server.createDatabase(contender.replaceAll("-", "_"));
  // Commits that return before their WAL is flushed: what SQLite's synchronous = NORMAL does.
  return contender.endsWith("-async") ? `${url}?synchronous_commit=off` : url;
}

function failedReport(workload: Workload, status: string): ChildReport {
  return { cases: workload.cases.map((c) => ({ label: c.label, samples: [], status })) };
}

/** Extra measurements some contenders offer, run in a process of their own after the cases. */
const extrasFor: Record<string, readonly string[]> = { baton: ["W5"], "baton-pg": ["W5"] };

function runChild(
  contender: string,
  workload: Workload,
  { extras = false, postgresUrl }: { extras?: boolean; postgresUrl?: string | undefined } = {},
): Promise<ChildReport> {
  const plan = planFor(workload);
  const args = [
    "--import",
    "tsx",
    join(benchDir, "child.ts"),
    `--contender=${contender}`,
    `--workload=${workload.id}`,
    `--runs=${extras ? runs : plan.runs}`,
    `--warmup=${plan.warmup}`,
    `--warmup-seconds=${plan.seconds}`,
    ...(extras ? ["--extras"] : []),
  ];
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, args, {
      cwd: rootDir,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: { ...process.env, BATON_BENCH_POSTGRES_URL: postgresUrl ?? "" },
    });
    let stderr = "";
    let report: ChildReport | undefined;
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on("message", (message) => {
      report = message as ChildReport;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (report) resolve(report);
      else {
        const why = signal === "SIGKILL" ? `timeout after ${timeoutMs / 1000} s` : `exit ${code}`;
        if (stderr) log(stderr);
        resolve(failedReport(workload, `error: ${why}`));
      }
    });
  });
}

function measureImport(
  specifier: string | undefined,
  cwd: string,
): Promise<{ ms: number; rss: number; exports: string[] }> {
  const load = specifier === undefined ? "{}" : `await import(${JSON.stringify(specifier)})`;
  const code = `const t0 = performance.now(); const m = ${load}; const ms = performance.now() - t0; console.log(JSON.stringify({ ms, rss: process.memoryUsage().rss, exports: Object.keys(m) }));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line));
      else reject(new Error(err.split("\n").find((l) => l.includes("Error")) ?? `exit ${code}`));
    });
  });
}

function ensureDist(): string | undefined {
  const dist = join(rootDir, "dist", "index.js");
  if (existsSync(dist)) return dist;
  log("dist/index.js is missing: building it with tsup");
  const bin = join(rootDir, "node_modules", "tsup", "dist", "cli-default.js");
  const result = spawnSync(process.execPath, [bin], {
    cwd: rootDir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return result.status === 0 && existsSync(dist) ? dist : undefined;
}

async function measureImports(): Promise<ImportResult[]> {
  const targets: {
    contender: string;
    specifier: string | undefined;
    shown: string;
    cwd: string;
    status: string;
  }[] = [];
  if (libs.has("baseline")) {
    targets.push({
      contender: "baseline",
      specifier: undefined,
      shown: "(nothing)",
      cwd: rootDir,
      status: "ok",
    });
  }
  if (libs.has("baton")) {
    const dist = ensureDist();
    targets.push({
      contender: "baton",
      specifier: dist && pathToFileURL(dist).href,
      shown: "dist/index.js",
      cwd: rootDir,
      status: dist ? "ok" : "build failed: dist/index.js missing",
    });
  }
  const peerSpecifiers: Record<string, string> = {
    langgraph: "@langchain/langgraph",
    mastra: "@mastra/core/workflows",
  };
  for (const [contender, specifier] of Object.entries(peerSpecifiers)) {
    if (!libs.has(contender)) continue;
    const status = isInstalled(contender) ? "ok" : NOT_INSTALLED;
    targets.push({ contender, specifier, shown: specifier, cwd: peersDir, status });
  }
  const results: ImportResult[] = [];
  for (const target of targets) {
    const result: ImportResult = {
      contender: target.contender,
      specifier: target.shown,
      ms: [],
      rssMb: [],
      status: target.status,
    };
    if (target.status === "ok") {
      log(`import: ${target.contender}`);
      try {
        for (let index = 0; index < runs; index++) {
          const sample = await measureImport(target.specifier, target.cwd);
          result.ms.push(sample.ms);
          result.rssMb.push(sample.rss / 1024 / 1024);
          result.exports = sample.exports;
        }
      } catch (error) {
        result.status = `error: ${(error as Error).message}`;
      }
    }
    results.push(result);
  }
  return results;
}

function machine(): Record<string, string> {
  const versions: Record<string, string> = { baton: readVersion(rootDir) };
  for (const name of [
    "@langchain/langgraph",
    "@langchain/core",
    "@langchain/langgraph-checkpoint-sqlite",
    "@langchain/langgraph-checkpoint-postgres",
    "better-sqlite3",
    "@mastra/core",
    "@mastra/libsql",
    "@libsql/client",
  ]) {
    versions[name] = packageVersion(peersDir, name) ?? "not installed";
  }
  const dist = join(rootDir, "dist", "index.js");
  if (existsSync(dist)) versions["baton dist/index.js built"] = statSync(dist).mtime.toISOString();
  return {
    node: process.version,
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? "unknown"}`,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    "load average at start (1, 5, 15 min)": loadAtStart,
    date: new Date().toISOString(),
    runs:
      warmupOverride === undefined
        ? `${runs} measured per case (${runs * 3} for W1 and W5), after warm-up runs (W1: up to 100 within 2 s; W5: up to 20 within 3 s; W7: none; others: 1)`
        : `${runs} measured per case (${runs * 3} for W1 and W5), after ${warmupOverride} warm-up runs`,
    ...Object.fromEntries(Object.entries(versions).map(([name, version]) => [name, version])),
  };
}

function readVersion(directory: string): string {
  return (JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as { version: string })
    .version;
}

const loadAtStart = loadavg()
  .map((value) => value.toFixed(2))
  .join(", ");

async function main(): Promise<void> {
  const started = performance.now();
  const selected = workloads.filter((workload) => !only || only.includes(workload.id));
  const results: WorkloadResult[] = [];
  for (const workload of selected) {
    const contenders = contendersFor(workload);
    const result: WorkloadResult = { workload, contenders, reports: {} };
    for (const contender of contenders) {
      if (!isInstalled(contender)) {
        result.reports[contender] = failedReport(workload, NOT_INSTALLED);
        continue;
      }
      const postgresUrl = await postgresUrlFor(contender);
      if (contender.includes("-pg") && !postgresUrl) {
        result.reports[contender] = failedReport(workload, NO_POSTGRES);
        continue;
      }
      log(`${workload.id}: ${contender}`);
      const report = await runChild(contender, workload, { postgresUrl });
      if (extrasFor[contender]?.includes(workload.id)) {
        log(`${workload.id}: ${contender} (extras)`);
        report.extras = (await runChild(contender, workload, { extras: true, postgresUrl })).extras;
      }
      result.reports[contender] = report;
    }
    results.push(result);
  }
  const imports = !only || only.includes("IMPORT") ? await measureImports() : [];
  const workers = !only || only.includes("WORKERS") ? await measureWorkers() : undefined;
  const targets = targetLines(results, imports);
  const info = machine();
  info["load average at end (1, 5, 15 min)"] = loadavg()
    .map((value) => value.toFixed(2))
    .join(", ");
  const seconds = (performance.now() - started) / 1000;
  if (values.json) {
    const json = {
      machine: info,
      seconds,
      workloads: results.map((result) => ({
        id: result.workload.id,
        title: result.workload.title,
        cases: result.workload.cases.map((c) => ({
          label: c.label,
          idealMs: c.idealMs,
          steps: c.steps.length,
        })),
        contenders: result.contenders,
        reports: result.reports,
      })),
      imports,
      workers,
      targets,
    };
    console.log(JSON.stringify(json, null, 2));
    return;
  }
  const out: string[] = ["## Baton benchmark", ""];
  for (const [key, value] of Object.entries(info)) out.push(`- ${key}: ${value}`);
  const busiest = Math.max(loadavg()[1] ?? 0, Number(loadAtStart.split(",")[0]));
  if (busiest > cpus().length * 0.75) {
    out.push(
      "",
      `**Warning:** the machine was busy (load average up to ${busiest.toFixed(1)} on ${cpus().length} CPUs): timings are noisy. Compare contenders within one run, and rerun on a quiet machine for absolute figures.`,
    );
  }
  out.push("");
  for (const result of results) out.push(workloadTable(result), "");
  if (imports.length > 0) out.push(importTable(imports), "");
  if (workers !== undefined) out.push(workersTable(workers), "");
  if (targets.length > 0) out.push("### Baton's targets", "", ...targets, "");
  out.push(`_Bench took ${seconds.toFixed(0)} s._`);
  console.log(out.join("\n"));
}

try {
  await main();
} finally {
  await (await postgres)?.stop();
}
