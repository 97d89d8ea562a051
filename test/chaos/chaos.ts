/**
 * `npm run chaos`: the standing reliability campaign (issue 12). Each part attacks Baton as
 * an adversarial user would and counts what held; the whole prints one Markdown table of
 * figures against their targets, then the details of anything that missed, and exits 1
 * when a target was missed. docs/reliability.md records a run.
 *
 *   npm run chaos -- --only faults,fuzz --runs 100 --specs 2000 --seed 7
 *   npm run chaos -- --only faults --slow 0.3
 *
 * Parts: `faults` (runs under provider faults: completion, exact usage, and the secret scan
 * over store, events and CLI output), `crash` (SIGKILLs of a durable run), `postgres` (the
 * same on PostgreSQL, each life a new owner), `orchestrator`
 * (SIGKILLs of an orchestrator run on the fake OpenAI server: nothing finished made again,
 * answer and spend as uninterrupted), `shared` (processes sharing one SQLite file), `fuzz`
 * (random and mutated specs). `npm test` runs a short version of each (test/chaos/*.test.ts,
 * test/crash/crash.test.ts, postgres-crash.test.ts, orchestrator-crash.test.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { crashCampaign } from "../crash/crash-campaign.js";
import { orchestratorCrashRound } from "../crash/orchestrator-crash.js";
import {
  postgresAvailable,
  postgresSkipReason,
  startPostgresServer,
} from "../support/postgres-server.js";
import { fuzzSpecs } from "./fuzz-specs.js";
import { providerFaults } from "./provider-faults.js";
import { sharedStore } from "./shared-store.js";

const parts = ["faults", "crash", "postgres", "orchestrator", "shared", "fuzz"] as const;
type Part = (typeof parts)[number];

const { values } = parseArgs({
  options: {
    only: { type: "string", default: parts.join(",") },
    runs: { type: "string", default: "300" },
    concurrency: { type: "string", default: "8" },
    slow: { type: "string", default: "0" },
    kills: { type: "string", default: "50" },
    "postgres-kills": { type: "string", default: "30" },
    "orchestrator-kills": { type: "string", default: "30" },
    processes: { type: "string", default: "4" },
    "runs-each": { type: "string", default: "15" },
    specs: { type: "string", default: "10000" },
    seed: { type: "string", default: "1" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`npm run chaos -- [options]
  --only LIST        parts to run: ${parts.join(",")} (default: all)
  --runs N           runs under provider faults (default 300)
  --concurrency N    of those, at once (default 8)
  --slow F           share of replies sent just as the call timeout fires, racing it (default 0)
  --kills N          SIGKILLs of a durable run (default 50)
  --postgres-kills N SIGKILLs of a durable run on PostgreSQL (default 30; needs PostgreSQL's binaries)
  --orchestrator-kills N  SIGKILLs of an orchestrator run (default 30)
  --processes N      processes sharing one SQLite file (default 4)
  --runs-each N      baton runs per process (default 15; one in five is killed mid-run)
  --specs N          fuzzed specs (default 10000)
  --seed N           seeds every part (default 1)`);
  process.exit(0);
}

function count(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${flag}: expected a whole number >= 1, received ${text}`);
    process.exit(2);
  }
  return value;
}

const only = new Set(values.only.split(",").map((part) => part.trim()));
for (const part of only) {
  if (!parts.includes(part as Part)) {
    console.error(`--only: unknown part "${part}" (known: ${parts.join(", ")})`);
    process.exit(2);
  }
}
const seed = count("--seed", values.seed);
const slow = Number(values.slow);
if (!(slow >= 0 && slow <= 0.5)) {
  console.error(
    `--slow: expected a share from 0 to 0.5 (the other faults take 0.45), received ${values.slow}`,
  );
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "baton-chaos-"));
const rows: string[][] = [];
const details: string[] = [];
const timings: string[] = [];
let missed = 0;

/** One row: what was measured against its target (`undefined`: no target applies). */
function row(
  part: string,
  figure: string,
  target: string,
  measured: string,
  met: boolean | undefined,
): void {
  rows.push([part, figure, target, measured, met === undefined ? "n/a" : met ? "yes" : "**no**"]);
  if (met === false) missed++;
}

const percent = (part: number, whole: number) =>
  `${part}/${whole} (${((100 * part) / whole).toFixed(1)}%)`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
const progress = (label: string) => (done: number, total: number) => {
  if (done === total || done % Math.max(1, Math.floor(total / 10)) === 0) {
    process.stderr.write(`${label}: ${done}/${total}\n`);
  }
};

/** Crash rounds of a durable run until `kills` kills (on PostgreSQL with `postgres`). */
async function crashPart(
  part: string,
  kills: number,
  postgres?: (round: number) => Promise<string>,
): Promise<void> {
  const begun = performance.now();
  const report = await crashCampaign({
    dir: mkdtempIn(dir, part.toLowerCase()),
    seed,
    kills,
    postgres,
    onRound: (round) =>
      process.stderr.write(
        `${part} crash round: ${round.kills} kills, ${round.lives} lives, ${round.problems.length} problems\n`,
      ),
  });
  const where = postgres ? "a durable run on PostgreSQL (each life a new owner)" : "a durable run";
  row(part, `kills of ${where}`, `${kills}`, `${report.kills}`, report.kills >= kills);
  row(
    part,
    "finished steps lost / duplicated",
    "0 / 0",
    `${report.lost} / ${report.duplicated} (of ${report.steps} steps, ${report.rounds} runs; ${report.interrupted} interrupted executions rerun)`,
    report.lost === 0 && report.duplicated === 0 && report.problems.length === 0,
  );
  for (const problem of report.problems) details.push(`- ${part}: ${problem}`);
  timings.push(`${part} ${seconds(performance.now() - begun)}`);
}

const loadAtStart = loadavg();
const started = performance.now();
try {
  if (only.has("faults")) {
    const runs = count("--runs", values.runs);
    const report = await providerFaults({
      dir: mkdtempIn(dir, "faults"),
      runs,
      concurrency: count("--concurrency", values.concurrency),
      seed,
      ...(slow > 0 ? { rates: { slow } } : {}),
      onRun: progress("provider faults"),
    });
    // With --slow, a further share of replies fails: the completion target is for the set mix.
    row(
      "provider faults",
      "runs completed",
      slow > 0 ? `none with --slow ${slow}` : ">= 99%",
      percent(report.completed, runs),
      slow > 0 ? undefined : report.completed >= 0.99 * runs,
    );
    row(
      "provider faults",
      "usage exact (reported = served)",
      "100%",
      percent(report.usageExact, runs),
      report.usageExact === runs,
    );
    const hits = report.secretHits;
    row(
      "secret scan",
      "key found in store / events / CLI output",
      "0 / 0 / 0",
      `${hits.store} / ${hits.events} / ${hits.cli} (key quoted back ${report.keyQuotedBack} times)`,
      hits.store + hits.events + hits.cli === 0 && report.keyQuotedBack > 0,
    );
    const replies = Object.entries(report.replies)
      .filter(([, served]) => served > 0)
      .map(([kind, served]) => `${kind} ${percent(served, report.requests)}`)
      .join(", ");
    details.push(`Provider faults: ${report.requests} requests: ${replies}.`);
    if (report.discardedRuns > 0) {
      details.push(
        `${report.discardedRuns} runs had a reply written after their client had given up on it (its call timed out and closed the connection): not served, and reported as possibly billed.`,
      );
    }
    for (const failure of report.failures) {
      details.push(
        `- run ${failure.run} (${failure.runId ?? "no id"}) did not complete: exit ${failure.code}: ${failure.error}`,
      );
    }
    for (const mismatch of report.mismatches) {
      details.push(
        `- run ${mismatch.run} (${mismatch.runId ?? "no id"}, ${mismatch.status}): served ${tokens(mismatch.served)}, reported ${mismatch.reported ? tokens(mismatch.reported) : "nothing"}; discarded ${tokens(mismatch.discarded)}, reported possibly billed ${mismatch.possiblyBilledTokens}; replies ${JSON.stringify(mismatch.replies)}`,
      );
    }
    timings.push(`provider faults ${seconds(report.durationMs)}`);
  }

  if (only.has("crash")) {
    await crashPart("SIGKILLs", count("--kills", values.kills));
  }

  if (only.has("postgres")) {
    if (!postgresAvailable()) {
      row(
        "PostgreSQL",
        "kills of a durable run on PostgreSQL",
        "",
        `skipped: ${postgresSkipReason()}`,
        false,
      );
    } else {
      const server = await startPostgresServer();
      try {
        await crashPart(
          "PostgreSQL",
          count("--postgres-kills", values["postgres-kills"]),
          (round) => server.createDatabase(`crash${round}`),
        );
      } finally {
        await server.stop();
      }
    }
  }

  if (only.has("orchestrator")) {
    const kills = count("--orchestrator-kills", values["orchestrator-kills"]);
    const begun = performance.now();
    const report = await orchestratorCrashRound({
      dir: mkdtempIn(dir, "orchestrator"),
      seed,
      kills,
    });
    const again = report.requests - report.uninterruptedRequests;
    row(
      "orchestrator SIGKILLs",
      "kills of a process() run (plan, 5 parallel delegations, synthesis)",
      `${kills}`,
      `${report.kills} (${report.lives} lives)`,
      report.kills >= kills,
    );
    row(
      "orchestrator SIGKILLs",
      "finished calls made again / answer or spend unlike uninterrupted",
      "0 / 0",
      report.problems.length === 0 ? "0 / 0" : `${report.problems.length} problems (below)`,
      report.problems.length === 0,
    );
    row(
      "orchestrator SIGKILLs",
      "requests beyond the uninterrupted run's (calls in flight at a kill)",
      "<= 5 per kill",
      `${again} for ${report.kills} kills (${report.uninterruptedRequests} + ${again} requests; per kill: ${report.madeAgain.join(" ")}); ${report.cutShort} logged as cut short, ${report.possiblyBilledTokens} tokens possibly billed`,
      report.madeAgain.every((count) => count <= 5),
    );
    for (const problem of report.problems) details.push(`- orchestrator: ${problem}`);
    timings.push(`orchestrator SIGKILLs ${seconds(performance.now() - begun)}`);
  }

  if (only.has("shared")) {
    const report = await sharedStore({
      dir: mkdtempIn(dir, "shared"),
      processes: count("--processes", values.processes),
      runsEach: count("--runs-each", values["runs-each"]),
      seed,
      onRun: progress("shared SQLite"),
    });
    const errors = report.errors.length + report.readProblems.length;
    row(
      "shared SQLite",
      `errors (${report.processes} processes, ${report.runs} \`baton run\`s, ${report.killed} SIGKILLed)`,
      "0",
      `${errors}`,
      errors === 0,
    );
    for (const error of [...report.errors, ...report.readProblems]) {
      details.push(`- shared: ${error}`);
    }
    timings.push(`shared SQLite ${seconds(report.durationMs)}`);
  }

  if (only.has("fuzz")) {
    const specs = count("--specs", values.specs);
    const begun = performance.now();
    const report = fuzzSpecs({ count: specs, seed });
    row(
      "fuzzed specs",
      "exceptions that are not BatonErrors",
      "0",
      `${report.nonBatonErrors} (of ${specs}: ${report.valid} valid, ${report.specErrors} SpecErrors, ${report.others.length} other)`,
      report.nonBatonErrors === 0,
    );
    row(
      "fuzzed specs",
      "cases over 2 s (CPU time / wall clock)",
      "0",
      `${report.slowCpu} / ${report.slow.length} (max ${report.maxCpuMs.toFixed(0)} ms / ${report.maxMs.toFixed(0)} ms)`,
      report.slowCpu === 0,
    );
    for (const other of report.others.slice(0, 10)) {
      details.push(`- fuzz: ${other.error} (${other.format}, ${other.length} characters)`);
    }
    for (const slow of report.slow.slice(0, 10)) {
      details.push(
        `- fuzz, slow: ${slow.ms.toFixed(0)} ms wall, ${slow.cpuMs.toFixed(0)} ms CPU (${slow.format}, ${slow.length} characters): ${JSON.stringify(slow.text.slice(0, 120))}`,
      );
    }
    timings.push(`fuzzed specs ${seconds(performance.now() - begun)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const cpu = cpus();
console.log(`## Chaos campaign (seed ${seed})\n`);
console.log("| part | figure | target | measured | met |");
console.log("| --- | --- | --- | --- | --- |");
for (const cells of rows) console.log(`| ${cells.join(" | ")} |`);
console.log(
  `\nMachine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}; load average ${loadAtStart[0]!.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end.`,
);
console.log(`Took ${seconds(performance.now() - started)}: ${timings.join(", ")}.`);
if (details.length > 0) console.log(`\n${details.join("\n")}`);
process.exitCode = missed > 0 ? 1 : 0;

function mkdtempIn(parent: string, name: string): string {
  return mkdtempSync(join(parent, `${name}-`));
}

function tokens(value: { inputTokens: number; outputTokens: number }): string {
  return `${value.inputTokens} in / ${value.outputTokens} out`;
}
