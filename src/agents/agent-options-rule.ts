import { codeFragments } from "../core/options/option-fragments.js";
import { type OptionRule, rules } from "../core/options/option-rule.js";
import { runOverrideFields } from "../core/workflow/workflow-rules.js";
import type { ResolveModelOptions } from "../models/resolve-model.js";
import type { AgentRunOptions, AsToolOptions } from "./agent.js";
import type { AgentOptions } from "./agent-options.js";

const { object, optional, record, array, string, fn, custom, union, literal } = rules;
const {
  text,
  model,
  clock,
  count,
  retry,
  agentTimeout,
  memory,
  compression,
  responseCache,
  price,
} = codeFragments;

/** What `resolveModel` takes besides the model. */
export const modelOptionsRule = object(
  {
    // Any object of strings: `process.env` is not a plain object.
    env: optional(
      custom(
        (value) =>
          typeof value === "object" &&
          value !== null &&
          Object.values(value).every((item) => item === undefined || typeof item === "string"),
        "expected a map of environment variables (strings)",
      ),
    ),
    baseURL: optional(text),
    apiKey: optional(text),
    headers: optional(record(text, text, "expected a map of header names to strings")),
    fetch: optional(fn()),
    clock: optional(clock),
  } satisfies Record<keyof ResolveModelOptions, OptionRule>,
  "expected { env, baseURL, apiKey, headers, fetch, clock }",
);

/**
 * An AI SDK tool: an object whose `execute`, when it has one, is a function (a tool
 * without one is for the caller to answer).
 */
const toolRule = custom(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    ((value as { execute?: unknown }).execute === undefined ||
      typeof (value as { execute?: unknown }).execute === "function"),
  "expected an AI SDK tool() (an object with an execute function)",
);

/**
 * What the AI SDK takes as a schema: zod and other Standard Schemas (`~standard`), a
 * `jsonSchema()` (`jsonSchema` and `validate`), or a `lazySchema()` function.
 */
const outputRule = custom(
  (value) =>
    typeof value === "function" ||
    (typeof value === "object" &&
      value !== null &&
      ("~standard" in value || ("jsonSchema" in value && "validate" in value))),
  "expected a schema (zod, Standard Schema, jsonSchema() or lazySchema())",
);

/** The rules of `agent()`'s options, by name (the orchestrator's `mainAgent` takes them too). */
export const agentOptionFields = {
  name: string("expected a non-empty name", { pattern: /\S/ }),
  model,
  instructions: optional(text),
  description: optional(text),
  tools: optional(record(text, toolRule, "expected an object of AI SDK tools by name")),
  maxSteps: optional(count),
  maxOutputTokens: optional(count),
  output: optional(outputRule),
  fallbackModels: optional(array(model, "expected an array of models")),
  retry: optional(retry),
  timeout: optional(agentTimeout),
  memory: optional(memory),
  compression: optional(compression),
  cache: optional(responseCache),
  prices: optional(record(text, price, 'expected a map of prices by "provider:model-id"')),
  clock: optional(clock),
  modelOptions: optional(modelOptionsRule),
} satisfies Record<keyof AgentOptions, OptionRule>;

/** The options of `agent()`, every one of them. */
export const agentOptionsRule = object(agentOptionFields, "expected an options object");

/** The options of one `agent.run()` or `agent.stream()`. */
export const agentRunOptionsRule = object(
  {
    ...runOverrideFields,
    onEvent: optional(fn()),
    cache: optional(
      union(
        [literal(false, "expected false"), responseCache],
        "expected { ttlMs, store? } or false",
      ),
    ),
  } satisfies Record<keyof AgentRunOptions, OptionRule>,
  "expected an options object",
);

/** The options of `agent.asTool()`. */
export const asToolOptionsRule = object(
  { description: optional(text) } satisfies Record<keyof AsToolOptions, OptionRule>,
  "expected an options object",
);
