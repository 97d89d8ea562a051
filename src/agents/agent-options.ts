import type { FlexibleSchema, ToolSet } from "ai";
import type { Clock } from "../core/ports/clock.js";
import { resolveCacheOption } from "../core/response-cache-options.js";
import type { RetryOptions } from "../core/retry-policy.js";
import {
  type ModelInput,
  type PriceTable,
  type ResolvedModel,
  type ResolveModelOptions,
  resolveModel,
} from "../models/index.js";
import { checkOptions } from "../runtime/check-options.js";
import { MemoryResponseCache } from "../stores/memory/memory-response-cache.js";
import { agentOptionsRule } from "./agent-options-rule.js";
import { defaultSummaryInstructions, type MemoryOptions } from "./memory.js";
import type { ResolvedResponseCache, ResponseCacheOptions } from "./response-cache.js";

/** Everything `agent()` takes. Only `name` and `model` are required. */
export interface AgentOptions<OUTPUT = string> {
  /** Names the agent in events, records and errors. */
  name: string;
  /**
   * The model: an AI SDK model object, a `"provider:model-id"` string (resolved at once, so
   * a missing API key fails here), or an async function `(messages, { signal }) => string`.
   */
  model: ModelInput;
  /** The system prompt. */
  instructions?: string;
  /** What the agent does; the default description of `asTool()`. */
  description?: string;
  /**
   * AI SDK `tool()`s the model may call. A tool bills its own cost with
   * `reportToolCost(options, cents)` or a `costInCents` field in its result object (taken
   * out before the model sees the result); either counts as tool cost.
   */
  tools?: ToolSet;
  /** Model calls in one run's tool loop, at most. @default 10 */
  maxSteps?: number;
  /**
   * The most tokens each model call of the tool loop may write (the provider stops there).
   * A budget reserves it for each call in flight, so with it set a budget is never passed,
   * at any concurrency; without it a call reserves the budget's `reserveOutputTokens`.
   * @default no cap (the provider's own)
   */
  maxOutputTokens?: number;
  /**
   * A schema (zod, JSON schema, ...) for structured output: `result.output` is then the
   * parsed, validated object.
   * @example output: z.object({ title: z.string(), tags: z.array(z.string()) })
   */
  output?: FlexibleSchema<OUTPUT>;
  /** Models tried in order once retries on the previous one are spent. @default [] */
  fallbackModels?: readonly ModelInput[];
  /** How failed model calls are retried (only retryable failures). @default { maxAttempts: 3 } */
  retry?: RetryOptions | number;
  /**
   * A number is the whole run's limit in ms; `callMs` limits each model call attempt (a
   * timed-out attempt is retried), `runMs` the whole run. @default no limit
   */
  timeout?: number | { callMs?: number; runMs?: number };
  /** Keep the conversation across runs, summarising it past a token threshold. @default none */
  memory?: MemoryOptions;
  /**
   * Before each run, brings the conversation the model will see (memory and input, with the
   * instructions) within `maxTokens`: the newest messages are kept, the middle summarised by
   * `model` or, without one, dropped (see `compressMessages`). Logs `conversation-compress`.
   * @default none
   * @example compression: { maxTokens: 8_000, model: "openai:gpt-4o-mini" }
   */
  compression?: CompressionOptions;
  /**
   * Answers a model call from a cache when the same request (model, messages, tools, call
   * settings) was answered within `ttlMs`: no model call, no tokens, no cost, a
   * `model-call-cache-hit` event. Failed calls are never stored.
   * @default none (every call goes to the model)
   * @example cache: { ttlMs: 3_600_000 } // in memory, one hour
   * @example cache: { ttlMs: 86_400_000, store: sqliteStore.responseCache } // shared, on disk
   */
  cache?: ResponseCacheOptions;
  /** Prices that override the bundled price table, by `"provider:model-id"`. */
  prices?: PriceTable;
  /** Time source for durations, timeouts and retry delays. @default systemClock */
  clock?: Clock;
  /** How model strings are resolved: API key, base URL, headers, env. */
  modelOptions?: ResolveModelOptions;
}

/** An agent's prompt compression (`compression`). */
export interface CompressionOptions {
  /** What the conversation, with the instructions, may count at most (gpt-tokenizer). */
  maxTokens: number;
  /** Summarises the middle of the conversation; without it the middle is dropped. @default none */
  model?: ModelInput;
  /** The summary's length limit, in tokens. @default a quarter of `maxTokens` */
  summaryMaxTokens?: number;
}

/** Validated, resolved options (internal). */
export interface AgentSettings {
  name: string;
  model: ResolvedModel;
  instructions: string | undefined;
  description: string | undefined;
  tools: ToolSet;
  maxSteps: number;
  maxOutputTokens: number | undefined;
  /** The `output` schema as given; the run turns it into `Output.object` once `ai` is loaded. */
  output: FlexibleSchema<unknown> | undefined;
  fallbackModels: ResolvedModel[];
  retry: RetryOptions | number | undefined;
  callTimeoutMs: number | undefined;
  runTimeoutMs: number | undefined;
  memory:
    | {
        tokenThreshold: number;
        keepLast: number;
        summaryModel: ResolvedModel;
        summaryInstructions: string;
        summaryMaxTokens: number | undefined;
      }
    | undefined;
  compression:
    | { maxTokens: number; model: ResolvedModel | undefined; summaryMaxTokens: number | undefined }
    | undefined;
  prices: PriceTable | undefined;
  clock: Clock | undefined;
  modelOptions: ResolveModelOptions;
  cache: ResolvedResponseCache | undefined;
  /** Warnings already given for this agent (a misspelled tool cost field), each given once. */
  warned: Set<string>;
}

/** Resolves a model option, naming the option in a TypeError. */
export function resolveModelOption(
  option: string,
  input: unknown,
  modelOptions: ResolveModelOptions,
): ResolvedModel {
  try {
    return resolveModel(input as ModelInput, modelOptions);
  } catch (error) {
    if (error instanceof TypeError)
      throw new TypeError(`agent(): options.${option}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Checks every option at once (an `OptionsError` lists every problem) and resolves model
 * strings (a missing key fails here).
 */
export function resolveAgentSettings(options: AgentOptions<unknown>): AgentSettings {
  const named = typeof options === "object" && options !== null && typeof options.name === "string";
  checkOptions(
    agentOptionsRule,
    options,
    named ? `agent(${JSON.stringify(options.name)})` : "agent()",
  );
  const modelOptions = options.modelOptions ?? {};
  const clock = options.clock;
  const resolveOptions: ResolveModelOptions = { ...(clock ? { clock } : {}), ...modelOptions };
  const model = resolveModelOption("model", options.model, resolveOptions);
  const fallbackModels = (options.fallbackModels ?? []).map((input, index) =>
    resolveModelOption(`fallbackModels[${index}]`, input, resolveOptions),
  );

  let callTimeoutMs: number | undefined;
  let runTimeoutMs: number | undefined;
  if (typeof options.timeout === "number") runTimeoutMs = options.timeout;
  else if (options.timeout !== undefined) {
    callTimeoutMs = options.timeout.callMs;
    runTimeoutMs = options.timeout.runMs;
  }

  const given = options.memory;
  const memory: AgentSettings["memory"] = given && {
    tokenThreshold: given.tokenThreshold,
    keepLast: given.keepLast ?? 6,
    summaryModel:
      given.summaryModel === undefined
        ? model
        : resolveModelOption("memory.summaryModel", given.summaryModel, resolveOptions),
    summaryInstructions: given.summaryInstructions ?? defaultSummaryInstructions,
    summaryMaxTokens: given.summaryMaxTokens,
  };
  const compression: AgentSettings["compression"] = options.compression && {
    maxTokens: options.compression.maxTokens,
    model:
      options.compression.model === undefined
        ? undefined
        : resolveModelOption("compression.model", options.compression.model, resolveOptions),
    summaryMaxTokens: options.compression.summaryMaxTokens,
  };

  return {
    name: options.name,
    model,
    instructions: options.instructions,
    description: options.description,
    tools: options.tools ?? {},
    maxSteps: options.maxSteps ?? 10,
    maxOutputTokens: options.maxOutputTokens,
    output: options.output as FlexibleSchema<unknown> | undefined,
    fallbackModels,
    retry: options.retry,
    callTimeoutMs,
    runTimeoutMs,
    memory,
    compression,
    prices: options.prices,
    clock,
    modelOptions: resolveOptions,
    cache: resolveAgentCache(options.cache),
    warned: new Set(),
  };
}

/**
 * Checks a `cache` option; an agent's own in-memory store is made here, once per agent.
 * `false` (allowed for a run) turns the agent's cache off.
 */
export function resolveAgentCache(
  given: ResponseCacheOptions | false | undefined,
): ResolvedResponseCache | undefined {
  return resolveCacheOption(given, () => new MemoryResponseCache());
}
