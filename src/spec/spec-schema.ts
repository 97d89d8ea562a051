import type { z } from "zod";
import { specFragments } from "../core/options/option-fragments.js";
import { rules, schemasOf } from "../core/options/option-rule.js";
import { keysAt, objectKeys } from "../core/options/schema-keys.js";
import { requireModule } from "../models/require-module.js";
import { httpFetchFields, mcpFields, readFileFields } from "../tools/tool-options-rules.js";

/**
 * The shape of a spec (JSON or YAML), checked with zod: a workflow, or an orchestrator
 * (`kind: orchestrator`). Rules across fields (unknown steps, agents and tools, cycles,
 * templates, routes) are checked afterwards by `checkSpec`. See docs/specs.md for every
 * field with an example.
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

let schemas: ReturnType<typeof buildSpecSchemas> | undefined;

/**
 * The zod schemas of the two kinds of spec as written: a workflow (steps over agents) and
 * an orchestrator (`kind: orchestrator`: a main agent that delegates and plans). They share
 * every part they have in common (providers, defaults, tools, agents, budget, limits,
 * circuit breaker). Built on first use (zod takes ~60 ms to load, which `import
 * "baton-ai"` should not pay), then kept.
 */
export function specSchemas(): ReturnType<typeof buildSpecSchemas> {
  schemas ??= buildSpecSchemas(requireModule<typeof import("zod")>("zod").z);
  return schemas;
}

/** The zod schema of a workflow spec as written. */
export function workflowSpecSchema(): ReturnType<typeof buildSpecSchemas>["workflow"] {
  return specSchemas().workflow;
}

/** The zod schema of an orchestrator spec (`kind: orchestrator`) as written. */
export function orchestratorSpecSchema(): ReturnType<typeof buildSpecSchemas>["orchestrator"] {
  return specSchemas().orchestrator;
}

/** The kinds of spec; `workflow` when `kind` is not given. */
export const SPEC_KINDS = ["workflow", "orchestrator"] as const;
export type SpecKind = (typeof SPEC_KINDS)[number];

/** The kind parsed data declares (`kind: orchestrator`), else `workflow`. */
export function specKindOf(data: unknown): SpecKind {
  return typeof data === "object" &&
    data !== null &&
    (data as { kind?: unknown }).kind === "orchestrator"
    ? "orchestrator"
    : "workflow";
}

/** The built-in tool types a spec's `tools` section may configure. */
export const TOOL_TYPES = ["calculator", "http_fetch", "read_file", "mcp"] as const;
export type ToolType = (typeof TOOL_TYPES)[number];

function buildSpecSchemas(z: Zod) {
  // The parts a program's options share (retry, timeouts, memory, budget, limits,
  // circuit breaker): one definition for specs and code, so they cannot drift apart.
  const {
    identifier,
    modelString,
    count,
    nonNegative,
    positiveMs,
    price: priceSpec,
    retry: retrySpec,
    agentTimeout,
    memory: memorySpec,
    budget: budgetSpec,
    limits,
    circuitBreaker: breakerSpec,
  } = schemasOf(specFragments, z);
  const modelStrings = z.array(modelString, { error: "expected a list of model strings" });

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

  const agentFields = {
    model: modelString.optional(),
    instructions: z.string({ error: "expected a string" }).optional(),
    description: z.string({ error: "expected a string" }).optional(),
    /** Names from the spec's `tools` section (or the registry given to the builder). */
    tools: z.array(identifier, { error: "expected a list of tool names" }).optional(),
    maxSteps: count.optional(),
    fallbackModels: modelStrings.optional(),
    maxOutputTokens: count.optional(),
    retry: retrySpec.optional(),
    timeout: agentTimeout.optional(),
    memory: memorySpec.optional(),
  };
  const agentSpec = z.strictObject({
    ...agentFields,
    /** A JSON schema for structured output. */
    output: z
      .record(z.string(), z.unknown(), { error: "expected a JSON schema object" })
      .optional(),
  });

  /** Each built-in tool type's options (`type` may be left out when the name is the type). */
  const toolOptions = {
    calculator: z.strictObject({ type: z.literal("calculator").optional() }),
    http_fetch: rules
      .object(
        {
          type: rules.optional(rules.literal("http_fetch", 'expected "http_fetch"')),
          ...httpFetchFields,
        },
        "expected the options of an http_fetch tool",
      )
      .zod(z),
    read_file: rules
      .object(
        {
          type: rules.optional(rules.literal("read_file", 'expected "read_file"')),
          ...readFileFields,
        },
        "expected the options of a read_file tool",
      )
      .zod(z),
    mcp: rules
      .object(
        { type: rules.optional(rules.literal("mcp", 'expected "mcp"')), ...mcpFields },
        "expected the options of an mcp tool",
      )
      .zod(z),
  } satisfies Record<ToolType, z.ZodType>;
  type ToolEntries = { [T in ToolType]: z.output<(typeof toolOptions)[T]> & { type: T } };

  /**
   * `tools`: the tools agents may list, by name. `name: true` for a built-in tool of that
   * name; else `{ type, ...options }` (`type` may be left out when the name is the type).
   * Each entry comes out with its `type` set.
   */
  /** A tools section's entries, each checked on its own: the good ones, and every problem. */
  const readTools = (entries: Record<string, unknown>) => {
    const tools: Record<string, ToolEntries[ToolType]> = {};
    const issues: z.core.$ZodRawIssue[] = [];
    for (const [name, raw] of Object.entries(entries)) {
      const entry = raw === true || raw === null ? {} : raw;
      const declared =
        typeof entry === "object" && entry !== null && !Array.isArray(entry)
          ? (entry as { type?: unknown }).type
          : undefined;
      const type = (declared ?? name) as ToolType;
      if (!TOOL_TYPES.includes(type)) {
        issues.push({
          code: "custom",
          input: raw,
          path: declared === undefined ? [name] : [name, "type"],
          message: `expected type to be one of ${TOOL_TYPES.join(", ")}${declared === undefined ? ` (the name "${name}" is not a tool type, so say which)` : ""}`,
        });
        continue;
      }
      const parsed = toolOptions[type].safeParse(entry, { reportInput: true });
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          issues.push({ ...issue, path: [name, ...issue.path] } as z.core.$ZodRawIssue);
        continue;
      }
      tools[name] = { ...parsed.data, type } as ToolEntries[ToolType];
    }
    return { tools, issues };
  };

  /**
   * `tools`: the tools agents may list, by name. `name: true` for a built-in tool of that
   * name; else `{ type, ...options }` (`type` may be left out when the name is the type).
   * Each entry comes out with its `type` set.
   */
  const toolsSpec = z
    .record(identifier, z.unknown(), { error: "expected a map of tools by name" })
    .transform((entries, context) => {
      const { tools, issues } = readTools(entries);
      context.issues.push(...issues);
      return tools;
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
    fallbackModels: modelStrings.optional(),
    loop: z
      .strictObject({
        until: condition,
        maxIterations: count,
      })
      .optional(),
    route: z
      .array(z.strictObject({ when: condition.optional(), to: stepIds }), {
        error: "expected a list of { when, to } cases",
      })
      .min(1, { error: "expected at least one { when, to } case" })
      .optional(),
    quorum: count.optional(),
    approval: z
      .union([z.boolean(), z.strictObject({ message: z.string().optional() })], {
        error: "expected true or { message }",
      })
      .optional(),
  });

  /** What both kinds of spec have. */
  const common = {
    version: z.literal(1, { error: "expected 1 (the only spec version so far)" }).optional(),
    description: z.string().optional(),
    providers: z
      .record(identifier, providerSpec, { error: "expected a map of provider settings" })
      .optional(),
    /** Defaults for every agent the spec defines. */
    defaults: z
      .strictObject({
        model: modelString.optional(),
        fallbackModels: modelStrings.optional(),
        retry: retrySpec.optional(),
        timeout: agentTimeout.optional(),
        maxSteps: count.optional(),
        maxOutputTokens: count.optional(),
      })
      .optional(),
    tools: toolsSpec.optional(),
    budget: budgetSpec.optional(),
    limits: limits.optional(),
    circuitBreaker: breakerSpec.optional(),
  };

  const workflow = z.strictObject({
    ...common,
    kind: z.literal("workflow", { error: 'expected "workflow" or "orchestrator"' }).optional(),
    name: z
      .string({ error: "expected the workflow's name" })
      .min(1, { error: "expected a non-empty name" }),
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
    concurrency: count.optional(),
  });

  const orchestrator = z.strictObject({
    ...common,
    kind: z.literal("orchestrator"),
    name: identifier.optional(),
    /** The agent that answers: it delegates to `agents` and has the designer plan new ones. */
    mainAgent: z.strictObject({ name: identifier.optional(), ...agentFields }),
    /** Subagents the main agent may delegate to, by name. */
    agents: z
      .record(identifier, agentSpec, { error: "expected a map of agents by name" })
      .optional(),
    /** Tools (names from `tools` or the registry) the designer may give the subagents it creates. */
    availableTools: z.array(identifier, { error: "expected a list of tool names" }).optional(),
    designerModel: modelString.optional(),
    designerName: identifier.optional(),
    subagentModel: modelString.optional(),
    subagentMemory: memorySpec.optional(),
    subagentMaxSteps: count.optional(),
    maxParallelTasks: count.optional(),
    maxPlanAttempts: count.optional(),
    /** Step options of every delegated or submitted task. */
    retry: retrySpec.optional(),
    timeout: positiveMs.optional(),
    fallbackModels: modelStrings.optional(),
    /** The task `baton run` gives the orchestrator when none is given on the command line. */
    task: z.string({ error: "expected the task as text" }).optional(),
  });

  return { workflow, orchestrator, toolOptions, readTools };
}

/** A validated workflow spec, as `parseSpec` returns it (`dependsOn` and `route[].to` as lists). */
export type WorkflowSpec = z.output<ReturnType<typeof buildSpecSchemas>["workflow"]>;
/** A workflow spec as written (before defaults and normalisation). */
export type WorkflowSpecInput = z.input<ReturnType<typeof buildSpecSchemas>["workflow"]>;
/** A validated orchestrator spec (`kind: orchestrator`). */
export type OrchestratorSpec = z.output<ReturnType<typeof buildSpecSchemas>["orchestrator"]>;
/** An orchestrator spec as written. */
export type OrchestratorSpecInput = z.input<ReturnType<typeof buildSpecSchemas>["orchestrator"]>;
/** Either kind of validated spec: `kind` tells them apart (`undefined` is a workflow). */
export type Spec = WorkflowSpec | OrchestratorSpec;
export type AgentSpec = WorkflowSpec["agents"][string];
export type StepSpec = WorkflowSpec["steps"][number];
export type InputSpec = NonNullable<WorkflowSpec["inputs"]>[string];
export type ProviderSpec = NonNullable<WorkflowSpec["providers"]>[string];
/** One entry of a spec's `tools` section, with its `type` set. */
export type ToolSpec = NonNullable<WorkflowSpec["tools"]>[string];

/** The keys an object in the spec may have at `path` (for "did you mean" hints). */
export function allowedKeysAt(path: readonly (string | number)[], kind: SpecKind): string[] {
  const all = specSchemas();
  // A tools entry's keys depend on its type: offer those of every type.
  if (path.length === 2 && path[0] === "tools") {
    return [...new Set(Object.values(all.toolOptions).flatMap(objectKeys))];
  }
  return keysAt(all[kind], path);
}
