import type { z } from "zod";
import { requireModule } from "../models/require-module.js";

/**
 * The shape of a workflow spec (JSON or YAML), checked with zod. Graph rules (unknown
 * steps, cycles, templates, routes) are checked afterwards by `checkSpec`. See
 * docs/specs.md for every field with an example.
 */

export const PROVIDER_TYPES = [
  "openai",
  "anthropic",
  "google",
  "ollama",
  "openai-compatible",
] as const;

export const INPUT_TYPES = ["string", "number", "integer", "boolean", "object", "array"] as const;

type Zod = typeof import("zod").z;

let schema: ReturnType<typeof buildWorkflowSpecSchema> | undefined;

/**
 * The zod schema of a workflow spec as written. It is built on first use (zod takes
 * ~60 ms to load, which `import "baton-ai"` should not pay), then kept.
 */
export function workflowSpecSchema(): ReturnType<typeof buildWorkflowSpecSchema> {
  schema ??= buildWorkflowSpecSchema(requireModule<typeof import("zod")>("zod").z);
  return schema;
}

function buildWorkflowSpecSchema(z: Zod) {
  const identifierPattern = /^[A-Za-z_][A-Za-z0-9_-]*$/;
  const identifier = z.string({ error: "expected a name" }).regex(identifierPattern, {
    error: "expected a name of letters, digits, _ and - that starts with a letter or _",
  });

  /** `provider:model-id`; the provider is checked against known providers later. */
  const modelString = z
    .string({ error: 'expected a model string "provider:model-id"' })
    .regex(/^[^:\s]+:\S.*$/, { error: 'expected a model string "provider:model-id"' });

  const positiveMs = z.number({ error: "expected a number of ms" }).positive({
    error: "expected a number of ms > 0",
  });
  const nonNegative = z.number({ error: "expected a number" }).nonnegative({
    error: "expected a number >= 0",
  });

  const retrySpec = z.union(
    [
      z.int({ error: "expected an integer" }).min(1, { error: "expected an integer >= 1" }),
      z.strictObject({
        maxAttempts: z.int().min(1, { error: "expected an integer >= 1" }).optional(),
        initialDelayMs: nonNegative.optional(),
        backoffFactor: nonNegative.optional(),
        maxDelayMs: nonNegative.optional(),
        jitter: z.number().min(0).max(1, { error: "expected a number in [0, 1]" }).optional(),
      }),
    ],
    {
      error:
        "expected a number of attempts or { maxAttempts, initialDelayMs, backoffFactor, maxDelayMs, jitter }",
    },
  );

  const priceSpec = z.strictObject({
    inputPerMillion: nonNegative,
    outputPerMillion: nonNegative,
    cachedInputPerMillion: nonNegative.optional(),
  });

  const providerSpec = z.strictObject({
    /** Which kind of API; defaults to the provider's own name when that is a known one. */
    type: z
      .enum(PROVIDER_TYPES, { error: `expected one of ${PROVIDER_TYPES.join(", ")}` })
      .optional(),
    baseURL: z.url({ error: "expected a URL like http://127.0.0.1:1234/v1" }).optional(),
    /** The environment variable holding the API key (never the key itself). */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected an environment variable name" })
      .optional(),
    headers: z.record(z.string(), z.string({ error: "expected a string" })).optional(),
    /** US dollars per million tokens, by model id (without the provider prefix). */
    prices: z.record(z.string(), priceSpec).optional(),
  });

  const agentTimeout = z.union(
    [positiveMs, z.strictObject({ callMs: positiveMs.optional(), runMs: positiveMs.optional() })],
    {
      error: "expected a number of ms or { callMs, runMs }",
    },
  );

  const agentSpec = z.strictObject({
    model: modelString.optional(),
    instructions: z.string({ error: "expected a string" }).optional(),
    description: z.string({ error: "expected a string" }).optional(),
    tools: z.array(identifier, { error: "expected a list of tool names" }).optional(),
    maxSteps: z
      .int({ error: "expected an integer" })
      .min(1, { error: "expected an integer >= 1" })
      .optional(),
    maxOutputTokens: z
      .int({ error: "expected an integer" })
      .min(1, { error: "expected an integer >= 1" })
      .optional(),
    fallbackModels: z.array(modelString, { error: "expected a list of model strings" }).optional(),
    retry: retrySpec.optional(),
    timeout: agentTimeout.optional(),
    /** A JSON schema for structured output. */
    output: z
      .record(z.string(), z.unknown(), { error: "expected a JSON schema object" })
      .optional(),
  });

  const inputSpec = z.strictObject({
    type: z
      .enum(INPUT_TYPES, { error: `expected one of ${INPUT_TYPES.join(", ")}` })
      .default("string"),
    description: z.string().optional(),
    default: z.unknown().optional(),
    /** @default true when there is no default */
    required: z.boolean({ error: "expected true or false" }).optional(),
    enum: z.array(z.unknown(), { error: "expected a list of allowed values" }).optional(),
  });

  /** A string, or a JSON value whose strings are templates. */
  const templateValue: z.ZodType<unknown> = z.unknown();

  const stepIds = z
    .union([identifier, z.array(identifier)], { error: "expected a step id or a list of step ids" })
    .transform((value) => (typeof value === "string" ? [value] : value));

  const condition = z.union([z.string(), z.boolean()], {
    error: "expected a condition such as 'steps.review.output.approved == true'",
  });

  const stepSpec = z.strictObject({
    id: identifier,
    description: z.string().optional(),
    agent: identifier,
    input: templateValue.optional(),
    dependsOn: stepIds.optional(),
    when: condition.optional(),
    priority: z.number({ error: "expected a number" }).optional(),
    estimatedMs: nonNegative.optional(),
    retry: retrySpec.optional(),
    timeout: positiveMs.optional(),
    fallbackModels: z.array(modelString, { error: "expected a list of model strings" }).optional(),
    loop: z
      .strictObject({
        until: condition,
        maxIterations: z
          .int({ error: "expected an integer" })
          .min(1, { error: "expected an integer >= 1" }),
      })
      .optional(),
    route: z
      .array(z.strictObject({ when: condition.optional(), to: stepIds }), {
        error: "expected a list of { when, to } cases",
      })
      .min(1, { error: "expected at least one { when, to } case" })
      .optional(),
    quorum: z
      .int({ error: "expected an integer" })
      .min(1, { error: "expected an integer >= 1" })
      .optional(),
    approval: z
      .union([z.boolean(), z.strictObject({ message: z.string().optional() })], {
        error: "expected true or { message }",
      })
      .optional(),
  });

  const budgetLimit = z.strictObject({
    maxCents: nonNegative.optional(),
    maxTokens: z.int({ error: "expected an integer" }).nonnegative().optional(),
  });

  const budgetSpec = budgetLimit.extend({
    perAgent: z.record(identifier, budgetLimit).optional(),
    reserveOutputTokens: z.int({ error: "expected an integer" }).nonnegative().optional(),
    onExceeded: z
      .union(
        [
          z.enum(["stop", "pause"]),
          z.strictObject({ switchTo: modelString, headroom: nonNegative.optional() }),
        ],
        {
          error: 'expected "stop", "pause" or { switchTo: "provider:model-id", headroom? }',
        },
      )
      .optional(),
  });

  const modelLimit = z.strictObject({
    concurrency: z.int().min(1, { error: "expected an integer >= 1" }).optional(),
    requestsPerMinute: z.number().positive({ error: "expected a number > 0" }).optional(),
    tokensPerMinute: z.number().positive({ error: "expected a number > 0" }).optional(),
  });

  return z.strictObject({
    version: z.literal(1, { error: "expected 1 (the only spec version so far)" }).optional(),
    name: z
      .string({ error: "expected the workflow's name" })
      .min(1, { error: "expected a non-empty name" }),
    description: z.string().optional(),
    providers: z
      .record(identifier, providerSpec, { error: "expected a map of provider settings" })
      .optional(),
    defaults: z
      .strictObject({
        model: modelString.optional(),
        fallbackModels: z.array(modelString).optional(),
        retry: retrySpec.optional(),
        timeout: agentTimeout.optional(),
        maxSteps: z.int().min(1, { error: "expected an integer >= 1" }).optional(),
        maxOutputTokens: z.int().min(1, { error: "expected an integer >= 1" }).optional(),
      })
      .optional(),
    agents: z.record(identifier, agentSpec, { error: "expected a map of agents by name" }),
    inputs: z
      .record(identifier, inputSpec, { error: "expected a map of inputs by name" })
      .optional(),
    steps: z
      .array(stepSpec, { error: "expected a list of steps" })
      .min(1, { error: "expected at least one step" }),
    /** The workflow's output: a template (or JSON with templates) over any step's result. */
    output: templateValue.optional(),
    failureMode: z
      .enum(["fail-fast", "continue"], { error: 'expected "fail-fast" or "continue"' })
      .optional(),
    concurrency: z
      .int({ error: "expected an integer" })
      .min(1, { error: "expected an integer >= 1" })
      .optional(),
    budget: budgetSpec.optional(),
    limits: z.record(z.string(), modelLimit).optional(),
    circuitBreaker: z
      .union(
        [
          z.literal(false),
          z.strictObject({
            failureThreshold: z.int().min(1).optional(),
            cooldownMs: nonNegative.optional(),
          }),
        ],
        { error: "expected false or { failureThreshold, cooldownMs }" },
      )
      .optional(),
  });
}

/** A validated workflow spec, as `parseSpec` returns it (`dependsOn` and `route[].to` as lists). */
export type WorkflowSpec = z.output<ReturnType<typeof workflowSpecSchema>>;
/** A workflow spec as written (before defaults and normalisation). */
export type WorkflowSpecInput = z.input<ReturnType<typeof workflowSpecSchema>>;
export type AgentSpec = WorkflowSpec["agents"][string];
export type StepSpec = WorkflowSpec["steps"][number];
export type InputSpec = NonNullable<WorkflowSpec["inputs"]>[string];
export type ProviderSpec = NonNullable<WorkflowSpec["providers"]>[string];

/** The keys an object in the spec may have at `path` (for "did you mean" hints). */
export function allowedKeysAt(path: readonly (string | number)[]): string[] {
  let schemas: z.core.$ZodType[] = [workflowSpecSchema()];
  for (const segment of path) {
    schemas = schemas.flatMap((schema) => childSchemas(unwrap(schema), segment));
  }
  return [...new Set(schemas.flatMap((schema) => unwrap(schema).flatMap(objectKeys)))];
}

/** The schemas a value may match once optional, default, pipe and union wrappers are off. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case "optional":
    case "default":
    case "nullable":
      return unwrap(def.innerType as z.core.$ZodType);
    case "pipe":
      return unwrap(def.in as z.core.$ZodType);
    case "union":
      return (def.options as z.core.$ZodType[]).flatMap(unwrap);
    default:
      return [schema];
  }
}

function childSchemas(schemas: z.core.$ZodType[], segment: string | number): z.core.$ZodType[] {
  return schemas.flatMap((schema) => {
    const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === "object") {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      return typeof segment === "string" && Object.hasOwn(shape, segment) ? [shape[segment]!] : [];
    }
    if (def.type === "record") return [def.valueType as z.core.$ZodType];
    if (def.type === "array") return [def.element as z.core.$ZodType];
    return [];
  });
}

function objectKeys(schema: z.core.$ZodType): string[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  return def.type === "object" ? Object.keys(def.shape as object) : [];
}
