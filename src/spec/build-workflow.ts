import type { Tool } from "ai";
import { type Agent, agent } from "../agents/agent.js";
import { formatPath, type PathSegment } from "../core/options/option-path.js";
import type { Clock } from "../core/ports/clock.js";
import type { StepOptions, StepResults } from "../core/workflow/step-options.js";
import type { RawIssue } from "./check-spec.js";
import { type Expression, evaluateExpression, isTruthy, parseExpression } from "./expression.js";
import { specAgents } from "./spec-agents.js";
import { SpecError } from "./spec-error.js";
import type { Spec, StepSpec, WorkflowSpec, WorkflowSpecInput } from "./spec-schema.js";
import { SpecWorkflow } from "./spec-workflow.js";
import { compileValue, renderValue, stepsView, stepView } from "./step-scope.js";
import { stringifyValue } from "./template.js";
import { dedupeIssues, specIssues } from "./validate-spec.js";
import { finishWork } from "./work.js";

export interface BuildWorkflowOptions {
  /**
   * Tools agents may list under `tools`, by name: the registry `specTools(spec)` builds
   * from the spec's `tools` section, and any tools of your own.
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
 * @throws SpecError listing every problem (invalid spec, an orchestrator spec, unknown
 *   tools, missing keys).
 * @example
 * const flow = buildWorkflow(await loadSpec("research.yaml"), { tools: { calculator: calculator() } });
 * const result = await flow.start({ topic: "tides" }).result;
 */
export function buildWorkflow(
  spec: Spec | WorkflowSpecInput,
  { tools = {}, env = process.env, clock, source }: BuildWorkflowOptions = {},
): SpecWorkflow {
  if (typeof tools !== "object" || tools === null || Array.isArray(tools)) {
    throw new TypeError(
      `buildWorkflow: expected "tools" to be a map of tools by name, received ${Array.isArray(tools) ? "an array" : String(tools)}`,
    );
  }
  const checked = finishWork(specIssues(spec, Object.keys(tools), "workflow"));
  const fail = (issues: RawIssue[]) =>
    new SpecError(
      dedupeIssues(
        issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
      ),
      source ? { source } : {},
    );
  if (!checked.spec) throw fail(checked.issues);
  const valid = checked.spec as WorkflowSpec;
  // Graph problems do not stop model resolution: missing keys are reported with them.
  const agents = specAgents(valid, { tools, env, ...(clock ? { clock } : {}) });
  for (const issue of checked.issues) agents.report(issue.path, issue.message);

  const buildAgent = (name: string, stepFallbacks?: { models: string[]; path: PathSegment[] }) => {
    const options = agents.options(name, valid.agents[name]!, ["agents", name], stepFallbacks);
    if (!options) return undefined;
    try {
      return agent(options);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      agents.report(["agents", name], error.message);
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
  if (agents.failed) throw agents.error(source);

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
