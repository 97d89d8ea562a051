/**
 * The engine's say over model calls, in three short runs:
 *
 * 1. Model limits: four steps share one model that allows 2 calls at once and 3 a minute.
 * 2. A circuit breaker: a model written as a function keeps failing with 503s; after three
 *    failures its circuit opens and calls go straight to the fallback model. A minute
 *    later one trial call goes through, succeeds, and the circuit closes again.
 * 3. Budgets: the same chain of steps with a token budget that switches to a cheaper
 *    model, stops the run, or pauses it (then resumes it with a bigger budget).
 *
 * Minute-long limits would make a slow example, so it runs on a ManualClock from
 * baton/testing: virtual time that jumps from one timer to the next. In production, leave
 * `clock` out. Offline: simulated models and a function model; no key, no network.
 *
 *   npx tsx examples/workflow-limits.ts
 */
import { foldRunLog } from "../src/engine/index.js";
import {
  agent,
  BudgetExceededError,
  type BudgetOptions,
  CircuitBreakers,
  type Run,
  type StartOptions,
  type WorkflowResult,
  workflow,
} from "../src/index.js";
import { MemoryStore } from "../src/stores/memory/index.js";
import { ManualClock } from "../src/testing/index.js";

const clock = new ManualClock();
/** Runs `run` to its end on virtual time: fires each timer as soon as nothing else can happen. */
async function finish(run: Run): Promise<WorkflowResult> {
  let ended = false;
  void run.result.then(() => {
    ended = true;
  });
  while (!ended) await clock.runAll();
  return run.result;
}
const seconds = (at: number) => `t=${(at / 1000).toFixed(0)}s`;

// 1. Model limits -------------------------------------------------------------------------
console.log("1. Model limits: simulated:writer allows 2 calls at once and 3 calls a minute");
// Simulated latency is waited on the agent's clock: each call takes 2 s of virtual time.
const writer = agent({ name: "writer", model: "simulated:writer?latency=2000", clock });
let sections = workflow("sections");
for (const id of ["intro", "method", "results", "summary"])
  sections = sections.step(id, writer, { input: () => `Write the ${id} section.` });

const limited = sections.start(undefined, {
  clock,
  limits: { "simulated:writer": { concurrency: 2, requestsPerMinute: 3 } },
});
const limitedResult = await finish(limited);
// `run.events` replays the whole run from its first event, even after it ended.
let running = 0;
let peak = 0;
for await (const event of limited.events) {
  if (event.type === "model-call-start") {
    peak = Math.max(peak, ++running);
    console.log(`  ${seconds(event.at)} ${event.stepId}: model call starts`);
  } else if (event.type === "model-call-end") {
    running--;
  } else if (event.type === "rate-limit-wait") {
    console.log(
      `  ${seconds(event.at)} ${event.stepId}: waits ${event.waitMs / 1000}s for the rate limit`,
    );
  }
}
console.log(
  `  ${limitedResult.status} at ${seconds(clock.now())}; at most ${peak} calls ran at once\n`,
);

// 2. A circuit breaker ----------------------------------------------------------------------
console.log("2. Circuit breaker: function:flakyProvider fails with 503 three times");
let providerCalls = 0;
// A model written as a function. A 503 is retryable, so each one counts towards the breaker.
async function flakyProvider(): Promise<string> {
  providerCalls++;
  if (providerCalls <= 3)
    throw Object.assign(new Error("503 Service Unavailable"), { statusCode: 503 });
  return "Summary from the provider, back on its feet.";
}
const summarizer = agent({
  name: "summarizer",
  model: flakyProvider,
  fallbackModels: ["simulated:backup"],
  retry: { maxAttempts: 2, initialDelayMs: 1000, jitter: 0 },
  // Function models have no price; say they are free rather than unknown.
  prices: { "function:flakyProvider": { inputPerMillion: 0, outputPerMillion: 0 } },
  clock,
});
// One set of breakers given to both runs below, so they share one breaker per model.
const circuitBreaker = new CircuitBreakers({ failureThreshold: 3, cooldownMs: 60_000 });
let batches = workflow("batches", { mode: "sequential" });
for (const id of ["batch-1", "batch-2", "batch-3"]) batches = batches.step(id, summarizer);

const report = (result: WorkflowResult) => {
  for (const step of Object.values(result.steps))
    console.log(`  ${step.id} answered by ${step.model}`);
};
const showBreaker = async (run: Run) => {
  for await (const event of run.events) {
    if (event.type === "model-call-error")
      console.log(
        `  ${seconds(event.at)} ${event.stepId}: ${event.model} failed: ${event.error.message}`,
      );
    else if (event.type.startsWith("circuit-") && "model" in event)
      console.log(`  ${seconds(event.at)} ${event.stepId}: ${event.type} for ${event.model}`);
    else if (event.type === "model-call-fallback")
      console.log(
        `  ${seconds(event.at)} ${event.stepId}: falls back ${event.from} -> ${event.to}`,
      );
  }
};
const first = batches.start("Summarise the batch.", { clock, circuitBreaker });
const firstResult = await finish(first);
await showBreaker(first);
report(firstResult);
await clock.advance(60_000);
const later = workflow("batches-later")
  .step("batch-4", summarizer)
  .start("Summarise the batch.", { clock, circuitBreaker });
const laterResult = await finish(later);
await showBreaker(later);
report(laterResult);
console.log(`  flakyProvider was called ${providerCalls} times\n`);

// 3. Budgets ---------------------------------------------------------------------------------
console.log("3. Budgets: three drafting steps, 250 tokens for the run");
const drafter = agent({ name: "drafter", model: "simulated:drafter", clock });
const chain = workflow("chain")
  .step("outline", drafter, { input: () => "Outline a post about tidal energy." })
  .step("draft", drafter, {
    dependsOn: ["outline"],
    input: ({ results }) => `Draft the post from this outline: ${results.outline.text}`,
  })
  .step("polish", drafter, {
    dependsOn: ["draft"],
    input: ({ results }) => `Polish this draft: ${results.draft.text}`,
  });

const budgeted = async (label: string, budget: BudgetOptions, options: StartOptions = {}) => {
  const run = chain.start(undefined, { clock, budget, ...options });
  const result = await finish(run);
  const models = Object.values(result.steps)
    .map((step) => `${step.id}=${step.status === "succeeded" ? step.model : step.status}`)
    .join(", ");
  console.log(`  ${label}: ${result.status}; ${models}; ${result.usage.totalTokens} tokens`);
  return { run, result };
};

await budgeted("switchTo", { maxTokens: 250, onExceeded: { switchTo: "simulated:cheap" } });
const stopped = await budgeted("stop", { maxTokens: 250 });
if (BudgetExceededError.isInstance(stopped.result.error)) {
  const { scope, spent, limit } = stopped.result.error;
  console.log(
    `    BudgetExceededError: ${scope} spent ${spent.tokens} of ${limit.maxTokens} tokens`,
  );
}
const store = new MemoryStore();
const paused = await budgeted("pause", { maxTokens: 250, onExceeded: "pause" }, { store });
console.log(`    waitReason: ${paused.result.waitReason}`);
// A paused run resumes from its log: finished steps keep their output, the rest run.
const state = foldRunLog(await store.readLog(paused.run.id));
await budgeted("resumed", { maxTokens: 2_000 }, { store, resumeFrom: state });
