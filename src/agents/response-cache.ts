import { createHash } from "node:crypto";
import type {
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4FinishReason,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { serializeError } from "../core/events.js";
import type { Clock } from "../core/ports/clock.js";
import type { ResolvedResponseCache } from "../core/response-cache-options.js";
import { emptyUsage } from "../core/usage.js";
import { streamPartsOf } from "./replayed-reply.js";
import type { RunLedger } from "./run-ledger.js";

export type {
  ResolvedResponseCache,
  ResponseCacheOptions,
} from "../core/response-cache-options.js";

/** What a cache entry holds: a successful response, never an error. */
interface CachedResponse {
  /** The `provider:model-id` that answered. */
  model: string;
  content: LanguageModelV4Content[];
  finishReason: LanguageModelV4FinishReason;
  structuredOutputText?: string;
}

/** What the cache needs of the agent run that asks it (internal). */
export interface CacheScope {
  agent: string;
  purpose: "step" | "summary";
  cache: ResolvedResponseCache;
  clock: Clock;
  ledger: RunLedger;
  /** The model the request is for: the route's first model. */
  model: string;
  onTextDelta?: ((delta: string) => void) | undefined;
}

type Answered<T> = { value: T; model: string };

/** The request fields that decide the answer; the signal, headers and raw-chunk flag do not. */
const keyFields = [
  "prompt",
  "tools",
  "toolChoice",
  "responseFormat",
  "maxOutputTokens",
  "temperature",
  "topP",
  "topK",
  "stopSequences",
  "presencePenalty",
  "frequencyPenalty",
  "seed",
  "reasoning",
  "providerOptions",
] as const satisfies readonly (keyof LanguageModelV4CallOptions)[];

/**
 * The cache key of a request to `model`: a SHA-256 of the model id and the request's
 * fields in a canonical JSON form (keys sorted, bytes as base64), so equal requests get the
 * same key in any process.
 */
export function responseCacheKey(model: string, options: LanguageModelV4CallOptions): string {
  const request: Record<string, unknown> = { model };
  for (const field of keyFields) request[field] = options[field];
  const digest = createHash("sha256").update(canonicalJson(request)).digest("hex");
  return `response:v1:${digest}`;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) => {
    if (entry instanceof Uint8Array) return { bytes: Buffer.from(entry).toString("base64") };
    if (entry instanceof URL) return entry.href;
    if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) {
      const record = entry as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(record)
          .sort()
          .map((key) => [key, record[key]]),
      );
    }
    return entry;
  });
}

/** A `doGenerate` through the cache: a hit answers at once, a miss calls and stores the answer. */
export async function generateThroughCache(
  scope: CacheScope,
  options: LanguageModelV4CallOptions,
  call: () => Promise<Answered<LanguageModelV4GenerateResult>>,
): Promise<LanguageModelV4GenerateResult> {
  const key = responseCacheKey(scope.model, options);
  const hit = await lookUp(scope, key);
  if (hit)
    return {
      content: hit.content,
      finishReason: hit.finishReason,
      usage: noUsage(),
      warnings: [],
      ...(hit.structuredOutputText !== undefined
        ? { structuredOutputText: hit.structuredOutputText }
        : {}),
    };
  const { value, model } = await call();
  await save(scope, key, {
    model,
    content: value.content,
    finishReason: value.finishReason,
    ...(value.structuredOutputText !== undefined
      ? { structuredOutputText: value.structuredOutputText }
      : {}),
  });
  return value;
}

/**
 * A `doStream` through the cache: a hit is replayed as a stream of its parts; a miss streams
 * from the model and is stored once its stream has ended without an error.
 */
export async function streamThroughCache(
  scope: CacheScope,
  options: LanguageModelV4CallOptions,
  call: () => Promise<Answered<LanguageModelV4StreamResult>>,
): Promise<LanguageModelV4StreamResult> {
  const key = responseCacheKey(scope.model, options);
  const hit = await lookUp(scope, key);
  if (hit) return { stream: replayStream(hit, scope.onTextDelta) };
  const { value, model } = await call();
  const seen = new StreamedContent();
  const stream = value.stream.pipeThrough(
    new TransformStream<LanguageModelV4StreamPart, LanguageModelV4StreamPart>({
      transform(part, controller) {
        seen.see(part);
        controller.enqueue(part);
      },
      async flush() {
        const response = seen.response(model);
        if (response) await save(scope, key, response);
      },
    }),
  );
  return { ...value, stream };
}

async function lookUp(scope: CacheScope, key: string): Promise<CachedResponse | undefined> {
  const { clock, ledger, agent } = scope;
  const startedAt = clock.now();
  let found: unknown;
  try {
    found = await scope.cache.store.get(key, { now: startedAt });
  } catch (error) {
    warn(`reading the response cache failed (${serializeError(error).message}); calling the model`);
  }
  if (!isCachedResponse(found)) {
    ledger.emit({ type: "model-call-cache-miss", agent, model: scope.model, key });
    return undefined;
  }
  const durationMs = clock.now() - startedAt;
  ledger.addModelCall({
    model: found.model,
    attempt: 1,
    purpose: scope.purpose,
    usage: emptyUsage(),
    costCents: 0,
    startedAt,
    durationMs,
    finishReason: found.finishReason.unified,
    cached: true,
  });
  ledger.emit({
    type: "model-call-cache-hit",
    agent,
    model: found.model,
    key,
    durationMs,
    response: found.content,
    ...(scope.purpose === "summary" ? { purpose: "summary" as const } : {}),
  });
  return found;
}

async function save(scope: CacheScope, key: string, response: CachedResponse): Promise<void> {
  try {
    await scope.cache.store.set(key, response, {
      expiresAt: scope.clock.now() + scope.cache.ttlMs,
    });
  } catch (error) {
    warn(`storing a response in the cache failed (${serializeError(error).message})`);
  }
}

/** A cache that fails is a cache that misses: the call goes on, with a word about it. */
function warn(message: string): void {
  process.emitWarning(`Response cache: ${message}`, { type: "BatonCacheWarning" });
}

function isCachedResponse(value: unknown): value is CachedResponse {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Partial<CachedResponse>;
  return (
    typeof entry.model === "string" &&
    Array.isArray(entry.content) &&
    typeof entry.finishReason === "object" &&
    entry.finishReason !== null
  );
}

/** A hit costs nothing and reads no tokens. */
function noUsage(): LanguageModelV4Usage {
  return {
    inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 0, text: 0, reasoning: 0 },
  };
}

/** A cached response as the parts of a stream. */
function replayStream(
  response: CachedResponse,
  onTextDelta: ((delta: string) => void) | undefined,
): ReadableStream<LanguageModelV4StreamPart> {
  const parts = streamPartsOf(
    response.content,
    { usage: noUsage(), finishReason: response.finishReason },
    "cached-",
  );
  return new ReadableStream({
    start(controller) {
      for (const part of parts) {
        if (part.type === "text-delta") onTextDelta?.(part.delta);
        controller.enqueue(part);
      }
      controller.close();
    },
  });
}

/** What a stream said, gathered into the content of a response. */
class StreamedContent {
  #text = "";
  #reasoning = "";
  #others: LanguageModelV4Content[] = [];
  #finishReason: LanguageModelV4FinishReason | undefined;
  #failed = false;

  see(part: LanguageModelV4StreamPart): void {
    switch (part.type) {
      case "text-delta":
        this.#text += part.delta;
        break;
      case "reasoning-delta":
        this.#reasoning += part.delta;
        break;
      case "tool-call":
      case "file":
      case "source":
        this.#others.push(part as LanguageModelV4Content);
        break;
      case "finish":
        this.#finishReason = part.finishReason;
        break;
      case "error":
        this.#failed = true;
        break;
    }
  }

  /** The response, or `undefined` when the stream failed or never finished. */
  response(model: string): CachedResponse | undefined {
    if (this.#failed || !this.#finishReason) return undefined;
    const content: LanguageModelV4Content[] = [
      ...(this.#reasoning ? [{ type: "reasoning" as const, text: this.#reasoning }] : []),
      ...(this.#text ? [{ type: "text" as const, text: this.#text }] : []),
      ...this.#others,
    ];
    return { model, content, finishReason: this.#finishReason };
  }
}
