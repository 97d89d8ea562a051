import { z } from "zod";

/**
 * The shape of an orchestrator spec (`kind: orchestrator`, YAML or JSON), checked with zod.
 * Cross-references (tool names, agent names) are checked afterwards by
 * `parseOrchestratorSpec`. See docs/orchestrator.md for every field.
 */

const identifierPattern = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const identifier = z.string({ error: "expected a name" }).regex(identifierPattern, {
  error: "expected a name of letters, digits, _ and - that starts with a letter or _",
});
const modelString = z
  .string({ error: 'expected a model string "provider:model-id"' })
  .regex(/^[^:\s]+:\S.*$/, { error: 'expected a model string "provider:model-id"' });
const positive = z
  .number({ error: "expected a number" })
  .positive({ error: "expected a number > 0" });
const nonNegative = z
  .number({ error: "expected a number" })
  .nonnegative({ error: "expected a number >= 0" });
const count = z.int({ error: "expected an integer" }).min(1, { error: "expected an integer >= 1" });

const retry = z.union(
  [
    count,
    z.strictObject({
      maxAttempts: count.optional(),
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

const timeout = z.union(
  [positive, z.strictObject({ callMs: positive.optional(), runMs: positive.optional() })],
  { error: "expected a number of ms or { callMs, runMs }" },
);

const memory = z.strictObject({
  tokenThreshold: count,
  keepLast: count.optional(),
  summaryModel: modelString.optional(),
  summaryInstructions: z.string().optional(),
});

const agentFields = {
  model: modelString.optional(),
  instructions: z.string({ error: "expected a string" }).optional(),
  description: z.string({ error: "expected a string" }).optional(),
  tools: z.array(identifier, { error: "expected a list of tool names" }).optional(),
  maxSteps: count.optional(),
  memory: memory.optional(),
  retry: retry.optional(),
  timeout: timeout.optional(),
  fallbackModels: z.array(modelString, { error: "expected a list of model strings" }).optional(),
};

const mainAgent = z.strictObject({
  name: identifier.optional(),
  ...agentFields,
  model: modelString,
});

const subagent = z.strictObject(agentFields);

/** Options of each built-in tool entry in `availableTools`. */
export const builtinToolSchemas = {
  calculator: z.strictObject({ name: identifier.optional() }),
  http_fetch: z.strictObject({
    name: identifier.optional(),
    allowHosts: z
      .array(z.string().min(1), { error: "expected a list of host names" })
      .min(1, { error: "expected at least one host" }),
    timeoutMs: positive.optional(),
    maxBytes: count.optional(),
    maxRedirects: z.int().min(0).optional(),
  }),
  read_file: z.strictObject({
    name: identifier.optional(),
    root: z.string({ error: "expected a directory path" }).min(1),
    maxBytes: count.optional(),
  }),
  mcp: z.strictObject({
    command: z.string({ error: "expected a program to run" }).min(1),
    args: z.array(z.string(), { error: "expected a list of strings" }).optional(),
    env: z.record(z.string(), z.string({ error: "expected a string" })).optional(),
    cwd: z.string().optional(),
    prefix: z.string().optional(),
    timeoutMs: positive.optional(),
  }),
} as const;

export type BuiltinToolKind = keyof typeof builtinToolSchemas;

/**
 * An `availableTools` entry: a name (`calculator`, or a tool from the registry given to
 * `buildOrchestrator`), or `{ <kind>: options }` for a built-in tool or an MCP server.
 */
export type AvailableToolSpec =
  | string
  | { calculator: z.output<(typeof builtinToolSchemas)["calculator"]> | null }
  | { http_fetch: z.output<(typeof builtinToolSchemas)["http_fetch"]> }
  | { read_file: z.output<(typeof builtinToolSchemas)["read_file"]> }
  | { mcp: z.output<(typeof builtinToolSchemas)["mcp"]> };

const availableTool = z.unknown().superRefine((value, context) => {
  if (typeof value === "string") {
    if (!identifierPattern.test(value)) {
      context.addIssue({
        code: "custom",
        message: "expected a tool name of letters, digits, _ and -",
      });
    } else if (value === "http_fetch" || value === "read_file" || value === "mcp") {
      const needs =
        value === "http_fetch"
          ? "{ allowHosts: [...] }"
          : value === "read_file"
            ? "{ root: <dir> }"
            : "{ command, args }";
      context.addIssue({
        code: "custom",
        message: `${value} needs options: write "${value}: ${needs}"`,
      });
    }
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    context.addIssue({ code: "custom", message: "expected a tool name or { <kind>: options }" });
    return;
  }
  const keys = Object.keys(value);
  const kind = keys[0] as BuiltinToolKind;
  if (keys.length !== 1 || !Object.hasOwn(builtinToolSchemas, kind)) {
    context.addIssue({
      code: "custom",
      message: `expected one of { calculator }, { http_fetch: ... }, { read_file: ... }, { mcp: ... }, received keys ${keys.join(", ") || "(none)"}`,
    });
    return;
  }
  const options = (value as Record<string, unknown>)[kind];
  const parsed = builtinToolSchemas[kind].safeParse(
    kind === "calculator" && options === null ? {} : options,
  );
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      context.addIssue({ code: "custom", message: issue.message, path: [kind, ...issue.path] });
    }
  }
});

const budgetLimit = z.strictObject({
  maxCents: nonNegative.optional(),
  maxTokens: z.int({ error: "expected an integer" }).nonnegative().optional(),
});

/** The orchestrator spec's zod schema. */
export const orchestratorSpecSchema = z.strictObject({
  version: z.literal(1, { error: "expected 1 (the only spec version so far)" }).optional(),
  kind: z.literal("orchestrator", { error: 'expected "orchestrator"' }),
  name: identifier.optional(),
  description: z.string().optional(),
  mainAgent,
  subagents: z
    .record(identifier, subagent, { error: "expected a map of subagents by name" })
    .optional(),
  availableTools: z.array(availableTool, { error: "expected a list of tools" }).optional(),
  designerModel: modelString.optional(),
  designerName: identifier.optional(),
  subagentModel: modelString.optional(),
  subagentMemory: memory.optional(),
  subagentMaxSteps: count.optional(),
  maxParallelTasks: count.optional(),
  maxPlanAttempts: count.optional(),
  retry: retry.optional(),
  timeout: positive.optional(),
  fallbackModels: z.array(modelString, { error: "expected a list of model strings" }).optional(),
  budget: budgetLimit
    .extend({
      perAgent: z.record(identifier, budgetLimit).optional(),
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
    })
    .optional(),
  limits: z
    .record(
      z.string(),
      z.strictObject({
        concurrency: count.optional(),
        requestsPerMinute: positive.optional(),
        tokensPerMinute: positive.optional(),
      }),
    )
    .optional(),
  circuitBreaker: z
    .union(
      [
        z.literal(false),
        z.strictObject({ failureThreshold: count.optional(), cooldownMs: nonNegative.optional() }),
      ],
      {
        error: "expected false or { failureThreshold, cooldownMs }",
      },
    )
    .optional(),
  prices: z
    .record(
      z.string(),
      z.strictObject({
        inputPerMillion: nonNegative,
        outputPerMillion: nonNegative,
        cachedInputPerMillion: nonNegative.optional(),
      }),
    )
    .optional(),
  /** The task `baton run` gives the orchestrator when none is given on the command line. */
  task: z.string({ error: "expected the task as text" }).optional(),
});

/** A validated orchestrator spec. */
export type OrchestratorSpec = Omit<z.output<typeof orchestratorSpecSchema>, "availableTools"> & {
  availableTools?: AvailableToolSpec[];
};
