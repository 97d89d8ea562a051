import type { FakeReply, FakeRequest } from "../../src/testing/fake-openai-reply.js";

/** How often each fault is served, as fractions of all requests (the rest are answered). */
export interface FaultRates {
  /** 429 without Retry-After. @default 0.15 */
  rateLimit?: number;
  /** 500, quoting the request's API key back in its message, as some providers do. @default 0.15 */
  serverError?: number;
  /** No response at all: only the client's call timeout ends it. @default 0.1 */
  hang?: number;
  /** 200 with a truncated JSON body. @default 0.05 */
  malformedJson?: number;
  /**
   * Answered, but only after `slowMs`, near the client's call timeout: the reply and the
   * timeout race (some arrive, some are cut off). @default 0
   */
  slow?: number;
}

export type ReplyKind = "text" | "slow" | "rate-limit" | "server-error" | "hang" | "malformed-json";

export interface FaultMixOptions {
  /** Uniform numbers in [0, 1): a seeded generator gives the same faults in the same order. */
  random: () => number;
  rates?: FaultRates;
  /** Answers wait up to this long (uniformly), like a real provider's latency. @default 50 */
  latencyMs?: number;
  /** How long a `slow` reply waits. @default 1000 */
  slowMs?: number;
}

/** A reply source for `startFakeOpenAIServer({ fallbackReply })`, and what it served. */
export interface FaultMix {
  reply(request: FakeRequest): FakeReply;
  /** Replies picked so far, by kind. */
  readonly served: Record<ReplyKind, number>;
}

/**
 * A provider with faults: each request draws one of the fault kinds at its rate, else an
 * answer. The answer's text depends on the draw, so runs differ in their token counts.
 * @example
 * const mix = faultMix({ random: seededRandom(1) });
 * const server = await startFakeOpenAIServer({ fallbackReply: (request) => mix.reply(request) });
 */
export function faultMix({
  random,
  rates = {},
  latencyMs = 50,
  slowMs = 1000,
}: FaultMixOptions): FaultMix {
  const {
    rateLimit = 0.15,
    serverError = 0.15,
    hang = 0.1,
    malformedJson = 0.05,
    slow = 0,
  } = rates;
  const served: Record<ReplyKind, number> = {
    text: 0,
    slow: 0,
    "rate-limit": 0,
    "server-error": 0,
    hang: 0,
    "malformed-json": 0,
  };
  // Each kind owns a slice of [0, 1), in this order; the rest is plain answers.
  const edges = {
    rateLimit,
    serverError: rateLimit + serverError,
    hang: rateLimit + serverError + hang,
    malformedJson: rateLimit + serverError + hang + malformedJson,
    slow: rateLimit + serverError + hang + malformedJson + slow,
  };
  const pick = (request: FakeRequest): FakeReply & { kind: ReplyKind } => {
    const draw = random();
    const delayMs = Math.floor(random() * latencyMs);
    if (draw < edges.rateLimit) return { kind: "rate-limit", fault: "rate-limit", delayMs };
    if (draw < edges.serverError) {
      const key = (request.headers.authorization ?? "").replace(/^Bearer /, "");
      return {
        kind: "server-error",
        fault: "server-error",
        status: 500,
        message: `The server had an error processing your request (key ${key}). Retry it.`,
        delayMs,
      };
    }
    if (draw < edges.hang) return { kind: "hang", fault: "hang" };
    if (draw < edges.malformedJson) {
      return { kind: "malformed-json", fault: "malformed-json", delayMs };
    }
    const words = 5 + Math.floor(random() * 40);
    const text = Array.from({ length: words }, (_, index) => `w${index % 7}`).join(" ");
    if (draw < edges.slow) return { kind: "slow", text, delayMs: slowMs };
    return { kind: "text", text, delayMs };
  };
  return {
    served,
    reply(request) {
      const { kind, ...reply } = pick(request);
      served[kind]++;
      return reply;
    },
  };
}
