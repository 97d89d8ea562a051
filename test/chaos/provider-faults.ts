/**
 * The provider-fault part of the chaos campaign: `baton run` (in process, through `runCli`)
 * runs a two-step spec against a fake OpenAI-compatible server that fails a large share of
 * requests (429s, 500s that quote the API key back, hangs, malformed JSON). The agents have
 * retries, a call timeout and a fallback model. For every run it compares the tokens Baton
 * reports with the tokens the server served, and at the end it looks for the API key in
 * everything Baton wrote: the store file, the run logs, and the CLI's output.
 *
 * Every run has its own server and its own seeded fault sequence, so a run's served tokens
 * are its own, and a run's faults do not depend on how the runs interleave.
 *
 * @example
 * const report = await providerFaults({ dir, runs: 300, seed: 1 });
 * console.log(report.completed, report.usageExact, report.secretHits);
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { seededRandom } from "../../bench/workloads/seeded-random.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { startFakeOpenAIServer } from "../../src/testing/fake-openai-server.js";
import { runBaton } from "../cli/cli-harness.js";
import { databaseBytes, occurrences } from "../support/occurrences.js";
import { type FaultRates, faultMix, type ReplyKind } from "./fault-mix.js";

export interface ProviderFaultsOptions {
  /** A directory to work in (specs and the store go there). */
  dir: string;
  /** Runs in all. @default 300 */
  runs?: number;
  /** Runs at once. @default 8 */
  concurrency?: number;
  /** The same seed gives every run the same fault sequence. @default 1 */
  seed?: number;
  rates?: FaultRates;
  /** Each model call's timeout (`timeout.callMs`), which ends hung calls. @default 1000 */
  callMs?: number;
  /** Attempts per model (the agents' `retry.maxAttempts`). @default 4 */
  maxAttempts?: number;
  /** Told after each run ends. */
  onRun?: (done: number, runs: number) => void;
}

/** Tokens, as the server served them or as Baton reported them. */
export interface Tokens {
  inputTokens: number;
  outputTokens: number;
}

/** A run whose reported tokens differ from what its server served. */
export interface UsageMismatch {
  run: number;
  runId: string | undefined;
  status: string;
  served: Tokens;
  reported: Tokens | undefined;
  replies: Partial<Record<ReplyKind, number>>;
}

export interface ProviderFaultsReport {
  runs: number;
  seed: number;
  /** Runs that ended `succeeded` (exit 0). */
  completed: number;
  /** Runs whose reported input and output tokens equal what their server served. */
  usageExact: number;
  mismatches: UsageMismatch[];
  /** Runs that did not succeed: their index, id and error. */
  failures: { run: number; runId: string | undefined; code: number; error: string }[];
  /** Requests the servers received, and what they answered, by kind. */
  requests: number;
  replies: Record<ReplyKind, number>;
  /** How often a server put the API key into an error message (what redaction must catch). */
  keyQuotedBack: number;
  /** Where the API key was found afterwards: each must be 0. */
  secretHits: { store: number; events: number; cli: number };
  durationMs: number;
}

const keyVariable = "CHAOS_API_KEY";

/** The spec of every run: two agents in a chain, each with retries, a call timeout and a fallback. */
function faultSpec(baseURL: string, callMs: number, maxAttempts: number): string {
  const agent = (instructions: string) =>
    `{ model: "flaky:primary", fallbackModels: ["flaky:backup"], instructions: "${instructions}", retry: { maxAttempts: ${maxAttempts}, initialDelayMs: 50, maxDelayMs: 400 }, timeout: { callMs: ${callMs} } }`;
  return `name: chaos-faults
providers:
  flaky:
    type: openai-compatible
    baseURL: "${baseURL}"
    apiKeyEnv: ${keyVariable}
    prices:
      primary: { inputPerMillion: 0.15, outputPerMillion: 0.6 }
      backup: { inputPerMillion: 0.5, outputPerMillion: 1.5 }
agents:
  researcher: ${agent("Find facts.")}
  writer: ${agent("Write clearly.")}
inputs:
  topic: { type: string }
steps:
  - { id: facts, agent: researcher, input: "List facts about {{ input.topic }}" }
  - { id: draft, agent: writer, dependsOn: facts, input: "Write a paragraph from: {{ steps.facts.text }}" }
`;
}

/** Runs the provider-fault campaign; see the module comment. */
export async function providerFaults({
  dir,
  runs = 300,
  concurrency = 8,
  seed = 1,
  rates,
  callMs = 1000,
  maxAttempts = 4,
  onRun,
}: ProviderFaultsOptions): Promise<ProviderFaultsReport> {
  const started = performance.now();
  // A key of no known shape: only redaction by value can catch it.
  const secret = `chaos-${randomBytes(9).toString("hex")}`;
  const store = join(dir, "faults.db");
  const report: ProviderFaultsReport = {
    runs,
    seed,
    completed: 0,
    usageExact: 0,
    mismatches: [],
    failures: [],
    requests: 0,
    replies: { text: 0, slow: 0, "rate-limit": 0, "server-error": 0, hang: 0, "malformed-json": 0 },
    keyQuotedBack: 0,
    secretHits: { store: 0, events: 0, cli: 0 },
    durationMs: 0,
  };
  const runIds: string[] = [];
  let cliOutput = "";
  let next = 0;
  let done = 0;

  const one = async (index: number) => {
    const mix = faultMix({
      random: seededRandom(seed * 1_000_003 + index),
      ...(rates ? { rates } : {}),
      slowMs: callMs,
    });
    const server = await startFakeOpenAIServer({ fallbackReply: (request) => mix.reply(request) });
    try {
      const spec = join(dir, `run-${index}.yaml`);
      await writeFile(spec, faultSpec(server.baseURL, callMs, maxAttempts));
      const env = { [keyVariable]: secret };
      const run = await runBaton(
        ["run", spec, "--json", "--store", store, "--input", `topic=topic ${index}`],
        { cwd: dir, env },
      );
      cliOutput += run.stdout + run.stderr;
      const result = parseResult(run.stdout);
      const runId = result?.runId;
      if (runId) {
        runIds.push(runId);
        const shown = await runBaton(["show", runId, "--trace", "--store", store], {
          cwd: dir,
          env,
        });
        cliOutput += shown.stdout + shown.stderr;
      }
      const status = result?.status ?? "none";
      if (run.code === 0 && status === "succeeded") report.completed++;
      else {
        report.failures.push({
          run: index,
          runId,
          code: run.code,
          error: result?.error?.message ?? run.stderr.slice(0, 500),
        });
      }
      const totals = server.usageTotals();
      const served = { inputTokens: totals.inputTokens, outputTokens: totals.outputTokens };
      const reported = result?.usage
        ? { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens }
        : undefined;
      if (
        reported?.inputTokens === served.inputTokens &&
        reported.outputTokens === served.outputTokens
      ) {
        report.usageExact++;
      } else {
        const replies = Object.fromEntries(
          Object.entries(mix.served).filter(([, count]) => count > 0),
        );
        report.mismatches.push({ run: index, runId, status, served, reported, replies });
      }
      report.requests += server.requests.length;
      for (const [kind, count] of Object.entries(mix.served)) {
        report.replies[kind as ReplyKind] += count;
      }
      report.keyQuotedBack += mix.served["server-error"];
    } finally {
      await server.close();
    }
    onRun?.(++done, runs);
  };

  const lane = async () => {
    while (next < runs) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, runs) }, lane));

  // The key, wherever Baton wrote: the file's bytes, every run's log as read back, the CLI.
  report.secretHits.store = occurrences(databaseBytes(store), secret);
  const reader = new SqliteStore({ path: store, readOnly: true });
  try {
    for (const runId of runIds) {
      report.secretHits.events += occurrences(JSON.stringify(await reader.readLog(runId)), secret);
    }
  } finally {
    await reader.close();
  }
  report.secretHits.cli = occurrences(cliOutput, secret);
  report.durationMs = performance.now() - started;
  return report;
}

interface JsonResult {
  runId?: string;
  status?: string;
  error?: { message?: string };
  usage?: Tokens;
}

function parseResult(stdout: string): JsonResult | undefined {
  try {
    return JSON.parse(stdout) as JsonResult;
  } catch {
    return undefined;
  }
}
