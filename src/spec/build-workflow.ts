import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { Schema, Tool, ToolSet } from "ai";
import { type Agent, agent } from "../agents/agent.js";
import type { Clock } from "../core/ports/clock.js";
import type { StepOptions, StepResults } from "../core/workflow/step-options.js";
import { requireModule } from "../models/require-module.js";
import type { RawIssue } from "./check-spec.js";
import { type Expression, evaluateExpression, isTruthy, parseExpression } from "./expression.js";
import { SpecError } from "./spec-error.js";
import { specModels } from "./spec-models.js";
import { formatPath, type PathSegment } from "./spec-path.js";
import type { AgentSpec, StepSpec, WorkflowSpec, WorkflowSpecInput } from "./spec-schema.js";
import { SpecWorkflow } from "./spec-workflow.js";
import { compileValue, renderValue, stepsView, stepView } from "./step-scope.js";
import { stringifyValue } from "./template.js";
import { dedupeIssues, specIssues } from "./validate-spec.js";
import { finishWork } from "./work.js";

export interface BuildWorkflowOptions {
  /**
   * Tools specs may give their agents, by the name agents list under `tools`. Baton's
   * built-in tools (http fetch, files, calculator) are registered here by the caller.
   * @default {}
   */
  tools?: Record<string, Tool>;
  /**
   * Where API keys (and `providers.<name>.apiKeyEnv`) are read from.
   * @default process.env
   */
  env?: Record<string, string | undefined>;
  /**
   * The clock agents time their calls on (and `simulated:` models wait their latency on).
   * @default systemClock
   */
  clock?: Clock;
  /** Where the spec came from, for error messages. */
  source?: string;
}

/**
 * Builds a runnable workflow from a spec: agents are created with `agent()` (models
 * resolved now, so a missing API key fails here), and each step's templates and
 * conditions are rendered and evaluated at step time from the results so far.
 *
 * @throws SpecError listing every problem (invalid spec, unknown tools, missing keys).
 * @example
 * const flow = buildWorkflow(await loadSpec("research.yaml"), { tools: { calculator } });
 * const result = await flow.start({ topic: "tides" }).result;
 */
export function buildWorkflow(
  spec: WorkflowSpec | WorkflowSpecInput,
  { tools = {}, env = process.env, clock, source }: BuildWorkflowOptions = {},
): SpecWorkflow {
  if (typeof tools !== "object" || tools === null || Array.isArray(tools)) {
    throw new TypeError(
      `buildWorkflow: expected "tools" to be a map of tools by name, received ${Array.isArray(tools) ? "an array" : String(tools)}`,
    );
  }
  const checked = finishWork(specIssues(spec, Object.keys(tools)));
  const fail = (issues: RawIssue[]) =>
    new SpecError(
      dedupeIssues(
        issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
      ),
      source ? { source } : {},
    );
  if (!checked.spec) throw fail(checked.issues);
  const valid = checked.spec;
  // Graph problems do not stop model resolution: missing keys are reported with them.
  const models = specModels(valid, { env, clock });
  const issues: RawIssue[] = [...checked.issues];
  const defaults = valid.defaults ?? {};

  const buildAgent = (name: string, stepFallbacks?: { models: string[]; path: PathSegment[] }) => {
    const spec = valid.agents[name] as AgentSpec;
    const modelPath: PathSegment[] = spec.model ? ["agents", name, "model"] : ["defaults", "model"];
    const modelName = spec.model ?? defaults.model;
    if (modelName === undefined) return undefined; // reported by the spec check
    const model = models.resolve(modelName, modelPath);
    const fallbackPath: PathSegment[] = stepFallbacks
      ? stepFallbacks.path
      : spec.fallbackModels
        ? ["agents", name, "fallbackModels"]
        : ["defaults", "fallbackModels"];
    const fallbackNames =
      stepFallbacks?.models ?? spec.fallbackModels ?? defaults.fallbackModels ?? [];
    const fallbackModels = fallbackNames.map((fallback, index) =>
      models.resolve(fallback, [...fallbackPath, index]),
    );
    if (!model || fallbackModels.some((fallback) => fallback === undefined)) return undefined;
    const toolSet: ToolSet = {};
    for (const tool of spec.tools ?? [])
      if (Object.hasOwn(tools, tool)) toolSet[tool] = tools[tool]!;
    const retry = spec.retry ?? defaults.retry;
    const timeout = spec.timeout ?? defaults.timeout;
    const maxSteps = spec.maxSteps ?? defaults.maxSteps;
    const maxOutputTokens = spec.maxOutputTokens ?? defaults.maxOutputTokens;
    try {
      return agent({
        name,
        model,
        ...(spec.instructions !== undefined ? { instructions: spec.instructions } : {}),
        ...(spec.description !== undefined ? { description: spec.description } : {}),
        tools: toolSet,
        ...(maxSteps !== undefined ? { maxSteps } : {}),
        ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
        ...(spec.output !== undefined ? { output: outputSchema(spec.output) } : {}),
        fallbackModels: fallbackModels as LanguageModelV4[],
        ...(retry !== undefined ? { retry } : {}),
        ...(timeout !== undefined ? { timeout } : {}),
        prices: models.prices,
        ...(clock ? { clock } : {}),
        modelOptions: { env },
      }) as Agent<unknown>;
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      issues.push({ path: ["agents", name], message: error.message });
      return undefined;
    }
  };

  const shared = new Map<string, Agent<unknown> | undefined>();
  const targets = valid.steps.map((step, index) => {
    if (!Object.hasOwn(valid.agents, step.agent)) return undefined;
    if (step.fallbackModels) {
      return buildAgent(step.agent, {
        models: step.fallbackModels,
        path: ["steps", index, "fallbackModels"],
      });
    }
    if (!shared.has(step.agent)) shared.set(step.agent, buildAgent(step.agent));
    return shared.get(step.agent);
  });
  issues.push(...models.issues);
  if (issues.length > 0) throw fail(issues);

  const flow = new SpecWorkflow(valid, {
    ...(valid.failureMode ? { failureMode: valid.failureMode } : {}),
    output: outputOf(valid),
  });
  valid.steps.forEach((step, index) => {
    flow.step(step.id, targets[index]!, stepOptions(step));
  });
  return flow;
}

/**
 * The run's output: the spec's `output` template, else the final step's output (its
 * structured output, else its text), else the final steps' outputs by id.
 */
function outputOf(spec: WorkflowSpec): (results: StepResults) => unknown {
  if (spec.output !== undefined) {
    const template = compileValue(spec.output);
    return (results) => renderValue(template, { steps: stepsView(results) });
  }
  const upstream = new Set(spec.steps.flatMap((step) => step.dependsOn ?? []));
  const finals = spec.steps.map((step) => step.id).filter((id) => !upstream.has(id));
  const read = (results: StepResults, id: string) =>
    Object.hasOwn(results, id) ? stepView(results[id]).output : undefined;
  if (finals.length === 1) return (results) => read(results, finals[0]!);
  return (results) => Object.fromEntries(finals.map((id) => [id, read(results, id)]));
}

/** The engine options of one spec step: templates and conditions become functions. */
function stepOptions(step: StepSpec): StepOptions {
  const options: StepOptions = {};
  const dependsOn = step.dependsOn ?? [];
  if (dependsOn.length > 0) options.dependsOn = dependsOn;
  const scopeOf = ({ input, results }: { input: unknown; results: StepResults }) => ({
    input,
    steps: stepsView(results),
  });

  if (step.input !== undefined) {
    const template = compileValue(step.input);
    options.input = (context) => stringifyValue(renderValue(template, scopeOf(context)));
  } else if (dependsOn.length > 0) {
    // With no input given, a step reads what its dependencies wrote.
    options.input = ({ results }) =>
      dependsOn.length === 1
        ? stepView(results[dependsOn[0]!]).text
        : dependsOn.map((id) => `## ${id}\n\n${stepView(results[id]).text}`).join("\n\n");
  }
  if (step.when !== undefined) {
    const when = condition(step.when);
    options.when = (context) => when(scopeOf(context));
  }
  if (step.loop) {
    const until = condition(step.loop.until);
    options.loop = {
      maxIterations: step.loop.maxIterations,
      until: ({ output, iteration, results }) =>
        until({ ...stepView(output), iteration, steps: stepsView(results) }),
    };
  }
  if (step.route) {
    const cases = step.route.map((routeCase) => ({
      when: routeCase.when === undefined ? () => true : condition(routeCase.when),
      to: routeCase.to,
    }));
    options.route = ({ output, results, input }) => {
      const scope = { input, steps: stepsView(results), ...stepView(output) };
      return cases.find((routeCase) => routeCase.when(scope))?.to ?? [];
    };
  }
  if (step.priority !== undefined) options.priority = step.priority;
  if (step.estimatedMs !== undefined) options.estimatedMs = step.estimatedMs;
  if (step.retry !== undefined) options.retry = step.retry;
  if (step.timeout !== undefined) options.timeout = step.timeout;
  if (step.quorum !== undefined) options.quorum = step.quorum;
  if (step.approval !== undefined) {
    const message = typeof step.approval === "object" ? step.approval.message : undefined;
    if (message === undefined) options.approval = step.approval !== false;
    else {
      const template = compileValue(message);
      options.approval = {
        message: (context) => stringifyValue(renderValue(template, scopeOf(context))),
      };
    }
  }
  return options;
}

/** A condition as a predicate over a scope; `true` / `false` stand for themselves. */
function condition(source: string | boolean): (scope: unknown) => boolean {
  if (typeof source === "boolean") return () => source;
  const parsed = parseExpression(source);
  if (!parsed.ok) throw new TypeError(`invalid condition "${source}": ${parsed.message}`);
  const expression: Expression = parsed.expression;
  return (scope) => isTruthy(evaluateExpression(expression, scope));
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
