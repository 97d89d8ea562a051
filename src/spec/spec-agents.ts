import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { Schema, Tool, ToolSet } from "ai";
import type { AgentOptions } from "../agents/agent-options.js";
import { formatPath, knownList, type PathSegment } from "../core/options/option-path.js";
import type { Clock } from "../core/ports/clock.js";
import type { PriceTable } from "../models/pricing.js";
import { requireModule } from "../models/require-module.js";
import type { RawIssue } from "./check-spec.js";
import { SpecError } from "./spec-error.js";
import { specModels } from "./spec-models.js";
import type { AgentSpec, Spec } from "./spec-schema.js";
import { dedupeIssues } from "./validate-spec.js";

/** An agent as a spec writes it (an `agents` entry, or an orchestrator's `mainAgent`). */
export type SpecAgentFields = Omit<AgentSpec, "output"> & { output?: AgentSpec["output"] };

export interface SpecAgentsOptions {
  /** Tools agents may list, by name (`specTools(spec).registry` and your own). @default {} */
  tools?: Record<string, Tool>;
  /** Where API keys (and `providers.<name>.apiKeyEnv`) are read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** The clock agents time their calls on. @default systemClock */
  clock?: Clock;
}

/**
 * What a builder of a spec kind needs to turn the spec's agents into `agent()` options
 * with its `defaults`, `providers` (base URLs, keys, prices) and tools applied. Problems
 * are collected, not thrown, so a builder reports all of them at once (`error()`).
 */
export interface SpecAgents {
  /**
   * `agent()` options for the agent written at `path`, or `undefined` once its problems
   * (a missing key, an unknown tool) are recorded. `fallbackModels` replaces the agent's
   * own (a step's).
   */
  options(
    name: string,
    agent: SpecAgentFields,
    path: PathSegment[],
    fallbackModels?: { models: readonly string[]; path: PathSegment[] },
  ): AgentOptions<unknown> | undefined;
  /** A model string resolved with the spec's `providers`, or `undefined` once its problem is recorded. */
  model(name: string, path: PathSegment[]): LanguageModelV4 | undefined;
  /** Prices from `providers.<name>.prices`. */
  readonly prices: PriceTable;
  /** Records a problem found by the builder. */
  report(path: PathSegment[], message: string): void;
  /** Whether any problem was recorded. */
  readonly failed: boolean;
  /** Every problem recorded, as one `SpecError`. */
  error(source?: string): SpecError;
}

/**
 * Agent options for a spec's agents, for builders of spec kinds (`buildWorkflow`,
 * `buildOrchestrator`): one place where `defaults`, `providers` and tools are applied.
 */
export function specAgents(spec: Spec, options: SpecAgentsOptions = {}): SpecAgents {
  const { tools = {}, env = process.env, clock } = options;
  const models = specModels(spec, { env, clock });
  const issues: RawIssue[] = [];
  const defaults = spec.defaults ?? {};
  const report = (path: PathSegment[], message: string) => issues.push({ path, message });

  return {
    prices: models.prices,
    report,
    get failed() {
      return issues.length > 0 || models.issues.length > 0;
    },
    model: (name, path) => models.resolve(name, path),
    error(source) {
      const all = [...issues, ...models.issues];
      return new SpecError(
        dedupeIssues(
          all.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
        ),
        source !== undefined ? { source } : {},
      );
    },
    options(name, agent, path, stepFallbacks) {
      const modelName = agent.model ?? defaults.model;
      if (modelName === undefined) return undefined; // reported by the spec check
      const model = models.resolve(
        modelName,
        agent.model ? [...path, "model"] : ["defaults", "model"],
      );
      const fallbackPath: PathSegment[] = stepFallbacks
        ? stepFallbacks.path
        : agent.fallbackModels
          ? [...path, "fallbackModels"]
          : ["defaults", "fallbackModels"];
      const fallbackNames =
        stepFallbacks?.models ?? agent.fallbackModels ?? defaults.fallbackModels ?? [];
      const fallbackModels = fallbackNames.map((fallback, index) =>
        models.resolve(fallback, [...fallbackPath, index]),
      );
      const summaryModel =
        agent.memory?.summaryModel !== undefined
          ? models.resolve(agent.memory.summaryModel, [...path, "memory", "summaryModel"])
          : undefined;
      const toolSet = pickTools(agent.tools, tools, spec.tools, [...path, "tools"], issues);
      if (!model || fallbackModels.some((fallback) => fallback === undefined)) return undefined;
      if (agent.memory?.summaryModel !== undefined && !summaryModel) return undefined;
      const retry = agent.retry ?? defaults.retry;
      const timeout = agent.timeout ?? defaults.timeout;
      const maxSteps = agent.maxSteps ?? defaults.maxSteps;
      const maxOutputTokens = agent.maxOutputTokens ?? defaults.maxOutputTokens;
      return {
        name,
        model,
        ...(agent.instructions !== undefined ? { instructions: agent.instructions } : {}),
        ...(agent.description !== undefined ? { description: agent.description } : {}),
        tools: toolSet,
        ...(maxSteps !== undefined ? { maxSteps } : {}),
        ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
        ...(agent.output !== undefined ? { output: outputSchema(agent.output) } : {}),
        ...(agent.memory !== undefined
          ? { memory: { ...agent.memory, ...(summaryModel ? { summaryModel } : {}) } }
          : {}),
        fallbackModels: fallbackModels as LanguageModelV4[],
        ...(retry !== undefined ? { retry } : {}),
        ...(timeout !== undefined ? { timeout } : {}),
        prices: models.prices,
        ...(clock ? { clock } : {}),
        modelOptions: { env },
      };
    },
  };
}

/**
 * The tools `names` picks from a registry. A name the spec's `tools` section configures
 * but the registry lacks was not built (`specTools`), which is said; other unknown names
 * are the spec check's to report, except when MCP servers made them unknowable then.
 */
function pickTools(
  names: readonly string[] | undefined,
  registry: Record<string, Tool>,
  section: Record<string, { type: string }> | undefined,
  path: PathSegment[],
  issues: RawIssue[],
): ToolSet {
  const picked: ToolSet = {};
  for (const [index, name] of (names ?? []).entries()) {
    if (Object.hasOwn(registry, name)) picked[name] = registry[name]!;
    else if (section && Object.hasOwn(section, name)) {
      issues.push({
        path: [...path, index],
        message: `the tool "${name}" is configured in the spec's tools section but was not built: pass tools: (await specTools(spec)).registry`,
      });
    } else if (hasMcp(section)) {
      // The spec check leaves names alone while MCP servers' tools are not known yet.
      issues.push({
        path: [...path, index],
        message: `unknown tool "${name}" ${knownList(Object.keys(registry))}`,
      });
    }
  }
  return picked;
}

/**
 * An agent's `output` JSON schema as a lazySchema(): `jsonSchema()` of "ai", made when the
 * agent's first run reads it (the AI SDK is loaded by then), not when Baton is imported.
 */
function outputSchema(schema: Record<string, unknown>): () => Schema<unknown> {
  let made: Schema<unknown> | undefined;
  return () => {
    made ??= requireModule<typeof import("ai")>("ai").jsonSchema(schema);
    return made;
  };
}

function hasMcp(section: Record<string, { type: string }> | undefined): boolean {
  return Object.values(section ?? {}).some((entry) => entry.type === "mcp");
}
