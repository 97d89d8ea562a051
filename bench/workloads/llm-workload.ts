/**
 * W8, an LLM-shaped workload: a seeded DAG of agent steps spread over three models, each
 * model behind a provider that enforces requests- and tokens-per-minute limits (at a
 * per-second granularity, as some providers do) and answers a share of calls with 429 and
 * Retry-After. The figure is makespan ÷ lower bound, where the lower bound is the larger of
 * the critical path and each model's capacity bound under its limits.
 */
import { seededRandom } from "./seeded-random.js";
import type { StepSpec } from "./workload.js";

/** One model's limits, as the provider enforces them and as a caller may declare them. */
export interface LlmModelLimits {
  requestsPerMinute: number;
  tokensPerMinute: number;
  /** How many seconds' worth may go at once (1: the minute's limit is enforced per second). */
  burstSeconds: number;
}

/** What turns a DAG case into an LLM-shaped one. */
export interface LlmShape {
  /** The model each step calls, by step id. */
  models: Record<string, string>;
  /** Each call's prompt and completion tokens, by step id. */
  tokens: Record<string, { input: number; output: number }>;
  limits: Record<string, LlmModelLimits>;
  /** Steps whose first call the provider answers 429 (about `faultRate` of them, seeded). */
  faulted: string[];
  /** The Retry-After of those injected 429s, in ms. */
  retryAfterMs: number;
  /** The concurrency a plain script or LangGraph.js is given (they know no rate limits). */
  scriptConcurrency: number;
}

export const W8_SEED = 20_261_201;

/**
 * A random DAG of `count` steps (20-200 ms each, ~8% roots, the rest depending on 1-2 of
 * the 30 steps before them), each on model A (40%), B (35%) or C (25%), with 300-1500
 * prompt tokens and 50-400 completion tokens; 5% of the steps get a 429 on their first call.
 */
export function llmDag(count: number, seed: number): { steps: StepSpec[]; llm: LlmShape } {
  const random = seededRandom(seed);
  const steps: StepSpec[] = [];
  const models: Record<string, string> = {};
  const tokens: Record<string, { input: number; output: number }> = {};
  const faulted: string[] = [];
  for (let index = 0; index < count; index++) {
    const id = `q${index}`;
    const ms = 20 + Math.floor(random() * 181);
    const deps = new Set<string>();
    const wanted = index === 0 || random() < 0.08 ? 0 : 1 + Math.floor(random() * 2);
    const window = Math.min(index, 30);
    for (let pick = 0; pick < wanted; pick++) {
      deps.add(`q${index - 1 - Math.floor(random() * window)}`);
    }
    steps.push({ id, ms, deps: [...deps] });
    const roll = random();
    models[id] = roll < 0.4 ? "A" : roll < 0.75 ? "B" : "C";
    tokens[id] = {
      input: 300 + Math.floor(random() * 1201),
      output: 50 + Math.floor(random() * 351),
    };
  }
  // Exactly 5% of the steps, picked by the seeded generator.
  const order = steps.map((step) => ({ id: step.id, key: random() }));
  order.sort((a, b) => a.key - b.key);
  for (const { id } of order.slice(0, Math.round(count * 0.05))) faulted.push(id);
  return {
    steps,
    llm: {
      models,
      tokens,
      limits: {
        A: { requestsPerMinute: 1500, tokensPerMinute: 1_200_000, burstSeconds: 1 },
        B: { requestsPerMinute: 1200, tokensPerMinute: 900_000, burstSeconds: 1 },
        C: { requestsPerMinute: 900, tokensPerMinute: 600_000, burstSeconds: 1 },
      },
      faulted,
      retryAfterMs: 100,
      scriptConcurrency: 16,
    },
  };
}

/**
 * The makespan no scheduler can beat: the longest of the critical path and, for each model,
 * the time its provider needs to let every call through. Requests: those beyond the first
 * burst arrive at the refill rate. Tokens: a provider counts each call's prompt when it
 * starts and its completion when it ends, so by the time the last call starts, every
 * prompt and every completion but those of the calls still running has been counted; at
 * most `inFlight` calls can be running (what the request bucket lets start within the
 * longest call), so the bound leaves out the largest `inFlight` completions. Each part ends
 * with the shortest call.
 */
export function llmLowerBoundMs(
  steps: readonly StepSpec[],
  llm: LlmShape,
  criticalPath: number,
): { boundMs: number; parts: Record<string, number> } {
  const parts: Record<string, number> = { "critical path": criticalPath };
  for (const [model, limit] of Object.entries(llm.limits)) {
    const calls = steps.filter((step) => llm.models[step.id] === model);
    if (calls.length === 0) continue;
    const shortest = Math.min(...calls.map((step) => step.ms));
    const longest = Math.max(...calls.map((step) => step.ms));
    const perMs = (perMinute: number) => perMinute / 60_000;
    const burst = (perMinute: number) => (perMinute * limit.burstSeconds) / 60;
    const requests = Math.max(0, calls.length - burst(limit.requestsPerMinute));
    const inFlight = Math.floor(
      burst(limit.requestsPerMinute) + perMs(limit.requestsPerMinute) * longest,
    );
    const tokens = calls.map((step) => llm.tokens[step.id]!);
    const prompts = tokens.reduce((sum, call) => sum + call.input, 0);
    const completions = tokens
      .map((call) => call.output)
      .sort((a, b) => a - b)
      .slice(0, Math.max(0, calls.length - inFlight))
      .reduce((sum, output) => sum + output, 0);
    const tokensOverBurst = Math.max(0, prompts + completions - burst(limit.tokensPerMinute));
    parts[`model ${model}`] =
      Math.max(
        requests / perMs(limit.requestsPerMinute),
        tokensOverBurst / perMs(limit.tokensPerMinute),
      ) + shortest;
  }
  return { boundMs: Math.max(...Object.values(parts)), parts };
}
