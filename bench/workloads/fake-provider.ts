import { TokenBucket } from "../../src/core/policies/token-bucket.js";
import type { LlmShape } from "./llm-workload.js";
import type { StepSpec, WorkloadCase } from "./workload.js";

/** A 429 from the fake provider: retry after `retryAfterMs`. */
export class RateLimited extends Error {
  readonly statusCode = 429;
  readonly isRetryable = true;
  readonly retryAfterMs: number;
  readonly injected: boolean;

  constructor(retryAfterMs: number, injected: boolean) {
    super(
      injected
        ? "429: the provider is overloaded, retry later"
        : "429: rate limit reached for requests or tokens",
    );
    this.name = "RateLimited";
    this.retryAfterMs = retryAfterMs;
    this.injected = injected;
  }
}

/** The time a 429 takes to come back. */
const REJECT_MS = 2;

/**
 * An LLM provider for W8, in process: each model enforces its requests- and
 * tokens-per-minute limits with token buckets (prompt tokens counted when a call arrives,
 * completion tokens when it ends) and answers 429 with the time until it would have room;
 * the seeded faulted steps get one injected 429 on their first call. It also checks what a
 * run must not break: no step before its dependencies, each step answered once.
 */
export class FakeProvider {
  readonly #steps: Map<string, StepSpec>;
  readonly #llm: LlmShape;
  #requests = new Map<string, TokenBucket>();
  #tokens = new Map<string, TokenBucket>();
  #done = new Set<string>();
  #faultsLeft = new Set<string>();
  #violations: string[] = [];
  #answered = 0;
  /** 429s sent: from limits, and injected. */
  limited = 0;
  injected = 0;

  constructor(workloadCase: WorkloadCase & { llm: LlmShape }) {
    this.#steps = new Map(workloadCase.steps.map((step) => [step.id, step]));
    this.#llm = workloadCase.llm;
    this.reset();
  }

  reset(): void {
    const now = Date.now();
    this.#requests = new Map();
    this.#tokens = new Map();
    for (const [model, limit] of Object.entries(this.#llm.limits)) {
      this.#requests.set(model, new TokenBucket(limit.requestsPerMinute, now, limit.burstSeconds));
      this.#tokens.set(model, new TokenBucket(limit.tokensPerMinute, now, limit.burstSeconds));
    }
    this.#done = new Set();
    this.#faultsLeft = new Set(this.#llm.faulted);
    this.#violations = [];
    this.#answered = 0;
    this.limited = 0;
    this.injected = 0;
  }

  /** The model and token counts of step `id`'s call. */
  callOf(id: string): { model: string; input: number; output: number } {
    const tokens = this.#llm.tokens[id];
    const model = this.#llm.models[id];
    if (!tokens || !model) throw new Error(`unknown step ${id}`);
    return { model, ...tokens };
  }

  /**
   * Answers step `id`'s call on `model`: waits the step's latency and reports usage, or
   * rejects with `RateLimited` after a short round trip.
   */
  call = async (
    id: string,
    model: string,
    signal?: AbortSignal,
  ): Promise<{ inputTokens: number; outputTokens: number }> => {
    const step = this.#steps.get(id);
    const { input, output } = this.callOf(id);
    if (!step || this.#llm.models[id] !== model) {
      this.#violations.push(`step ${id} called on model ${model}`);
    }
    const now = Date.now();
    const requests = this.#requests.get(model)!;
    const tokens = this.#tokens.get(model)!;
    if (this.#faultsLeft.delete(id)) {
      this.injected++;
      await sleep(REJECT_MS, signal);
      throw new RateLimited(this.#llm.retryAfterMs, true);
    }
    const wait = Math.max(requests.waitTime(now, 1), tokens.waitTime(now, input));
    if (wait > 0) {
      this.limited++;
      await sleep(REJECT_MS, signal);
      throw new RateLimited(Math.ceil(wait), false);
    }
    requests.take(now, 1);
    tokens.take(now, input);
    for (const dep of step?.deps ?? []) {
      if (!this.#done.has(dep)) this.#violations.push(`${id} started before ${dep} ended`);
    }
    await sleep(step?.ms ?? 0, signal);
    tokens.take(Date.now(), output);
    if (this.#done.has(id)) this.#violations.push(`${id} answered twice`);
    this.#done.add(id);
    this.#answered++;
    return { inputTokens: input, outputTokens: output };
  };

  /** Problems seen in the run just finished; empty when it was a faithful run. */
  problems(): string[] {
    const problems = [...this.#violations.slice(0, 5)];
    if (this.#answered !== this.#steps.size) {
      problems.push(`${this.#answered} steps answered, expected ${this.#steps.size}`);
    }
    return problems;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * What a careful script does around each call when it knows nothing of the limits: on a
 * 429, wait its Retry-After and try again.
 */
export async function callWithRetry(
  provider: FakeProvider,
  id: string,
  attempts = 200,
): Promise<{ inputTokens: number; outputTokens: number }> {
  const { model } = provider.callOf(id);
  for (let attempt = 1; ; attempt++) {
    try {
      return await provider.call(id, model);
    } catch (error) {
      if (!(error instanceof RateLimited) || attempt >= attempts) throw error;
      await sleep(error.retryAfterMs);
    }
  }
}
