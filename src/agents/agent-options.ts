import type { FlexibleSchema, ToolSet } from "ai";
import type { Clock } from "../core/ports/clock.js";
import { resolveCacheOption } from "../core/response-cache-options.js";
import { type RetryOptions, resolveRetryOptions } from "../core/retry-policy.js";
import {
  type ModelInput,
  type PriceTable,
  type ResolvedModel,
  type ResolveModelOptions,
  resolveModel,
} from "../models/index.js";
import { MemoryResponseCache } from "../stores/memory/memory-response-cache.js";
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

function received(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return "an object";
  return String(value);
}

function fail(option: string, expected: string, value: unknown): never {
  throw new TypeError(
    `agent(): expected options.${option} to be ${expected}, received ${received(value)}`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * What the AI SDK takes as a schema: zod and other Standard Schemas (`~standard`), a
 * `jsonSchema()` (`jsonSchema` and `validate`), or a `lazySchema()` function. Checked here
 * because `Output.object` is made at the first run, when the AI SDK is loaded.
 */
function isFlexibleSchema(value: unknown): boolean {
  if (typeof value === "function") return true;
  if (typeof value !== "object" || value === null) return false;
  return "~standard" in value || ("jsonSchema" in value && "validate" in value);
}

function positive(option: string, value: unknown, integer = false): number {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    value > 0 &&
    (!integer || Number.isInteger(value));
  if (!ok) fail(option, integer ? "an integer > 0" : "a number of ms > 0", value);
  return value as number;
}

function optionalString(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") fail(option, "a string", value);
  return value;
}

/** Resolves a model option, naming the option in a TypeError. */
export function resolveModelOption(
  option: string,
  input: unknown,
  modelOptions: ResolveModelOptions,
): ResolvedModel {
  if (input === undefined || input === null) fail(option, "a model", input);
  try {
    return resolveModel(input as ModelInput, modelOptions);
  } catch (error) {
    if (error instanceof TypeError)
      throw new TypeError(`agent(): options.${option}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Checks every option eagerly and resolves model strings (a missing key fails here). */
export function resolveAgentSettings(options: AgentOptions<unknown>): AgentSettings {
  if (!isPlainObject(options)) {
    throw new TypeError(`agent(): expected an options object, received ${received(options)}`);
  }
  if (typeof options.name !== "string" || options.name.trim() === "") {
    fail("name", "a non-empty string", options.name);
  }
  const modelOptions = options.modelOptions ?? {};
  if (!isPlainObject(modelOptions)) fail("modelOptions", "an object", modelOptions);
  const clock = options.clock;
  if (
    clock !== undefined &&
    (typeof clock?.now !== "function" || typeof clock?.sleep !== "function")
  ) {
    fail("clock", "a Clock with now() and sleep()", clock);
  }
  const resolveOptions: ResolveModelOptions = { ...(clock ? { clock } : {}), ...modelOptions };
  const model = resolveModelOption("model", options.model, resolveOptions);

  const tools = options.tools ?? {};
  if (!isPlainObject(tools)) fail("tools", "an object of AI SDK tools", tools);
  for (const [name, tool] of Object.entries(tools)) {
    if (!isPlainObject(tool)) fail(`tools.${name}`, "an AI SDK tool()", tool);
    if (tool.execute !== undefined && typeof tool.execute !== "function") {
      fail(`tools.${name}.execute`, "a function", tool.execute);
    }
  }

  const fallbacks = options.fallbackModels ?? [];
  if (!Array.isArray(fallbacks)) fail("fallbackModels", "an array of models", fallbacks);
  const fallbackModels = fallbacks.map((input, index) =>
    resolveModelOption(`fallbackModels[${index}]`, input, resolveOptions),
  );

  if (options.output !== undefined && !isFlexibleSchema(options.output)) {
    fail("output", "a schema (zod, Standard Schema, jsonSchema() or lazySchema())", options.output);
  }

  if (options.retry !== undefined) resolveRetryOptions(options.retry);

  let callTimeoutMs: number | undefined;
  let runTimeoutMs: number | undefined;
  if (typeof options.timeout === "number") runTimeoutMs = positive("timeout", options.timeout);
  else if (isPlainObject(options.timeout)) {
    if (options.timeout.callMs !== undefined)
      callTimeoutMs = positive("timeout.callMs", options.timeout.callMs);
    if (options.timeout.runMs !== undefined)
      runTimeoutMs = positive("timeout.runMs", options.timeout.runMs);
  } else if (options.timeout !== undefined) {
    fail("timeout", "a number of ms or { callMs, runMs }", options.timeout);
  }

  let memory: AgentSettings["memory"];
  if (options.memory !== undefined) {
    const given = options.memory;
    if (!isPlainObject(given)) fail("memory", "an object", given);
    memory = {
      tokenThreshold: positive("memory.tokenThreshold", given.tokenThreshold, true),
      keepLast:
        given.keepLast === undefined ? 6 : positive("memory.keepLast", given.keepLast, true),
      summaryModel:
        given.summaryModel === undefined
          ? model
          : resolveModelOption("memory.summaryModel", given.summaryModel, resolveOptions),
      summaryInstructions:
        optionalString("memory.summaryInstructions", given.summaryInstructions) ??
        defaultSummaryInstructions,
      summaryMaxTokens:
        given.summaryMaxTokens === undefined
          ? undefined
          : positive("memory.summaryMaxTokens", given.summaryMaxTokens, true),
    };
  }

  let compression: AgentSettings["compression"];
  if (options.compression !== undefined) {
    const given = options.compression;
    if (!isPlainObject(given)) fail("compression", "{ maxTokens, model? }", given);
    compression = {
      maxTokens: positive("compression.maxTokens", given.maxTokens, true),
      model:
        given.model === undefined
          ? undefined
          : resolveModelOption("compression.model", given.model, resolveOptions),
      summaryMaxTokens:
        given.summaryMaxTokens === undefined
          ? undefined
          : positive("compression.summaryMaxTokens", given.summaryMaxTokens, true),
    };
  }

  if (options.prices !== undefined && !isPlainObject(options.prices))
    fail("prices", "an object", options.prices);
  const maxSteps =
    options.maxSteps === undefined ? 10 : positive("maxSteps", options.maxSteps, true);
  const maxOutputTokens =
    options.maxOutputTokens === undefined
      ? undefined
      : positive("maxOutputTokens", options.maxOutputTokens, true);

  return {
    name: options.name,
    model,
    instructions: optionalString("instructions", options.instructions),
    description: optionalString("description", options.description),
    tools,
    maxSteps,
    maxOutputTokens,
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
    cache: resolveAgentCache("agent(): options.cache", options.cache),
    warned: new Set(),
  };
}

/**
 * Checks a `cache` option; an agent's own in-memory store is made here, once per agent.
 * `false` (allowed for a run) turns the agent's cache off.
 */
export function resolveAgentCache(
  where: string,
  given: unknown,
): ResolvedResponseCache | undefined {
  return resolveCacheOption(where, given, () => new MemoryResponseCache());
}
