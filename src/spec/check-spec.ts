import type { PathSegment } from "../core/options/option-path.js";
import { KNOWN_PROVIDERS } from "../models/resolve-model.js";
import { parseExpression } from "./expression.js";
import type { Reference } from "./reference.js";
import { collectSteps, type LooseStep, SpecGraph } from "./spec-graph.js";
import {
  inputValueProblem,
  type KnownNames,
  type ReferenceRules,
  referenceProblem,
  suggester,
  templateStrings,
} from "./spec-references.js";
import { parseTemplate } from "./template.js";
import type { Work } from "./work.js";

/** Steps checked between two yields. */
const SLICE = 2000;

/** A problem found by `checkSpec`, with its path as segments (internal). */
export interface RawIssue {
  path: PathSegment[];
  message: string;
  /** The problem is the map key itself (an unknown name), so point at the key. */
  atKey?: boolean;
}

export interface CheckSpecOptions {
  /**
   * Names of tools the builder will get besides the spec's `tools` section; `undefined`
   * with no `tools` section skips the tool check, as does a section that starts MCP
   * servers (their tools are known once they run).
   */
  tools?: readonly string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Checks what a schema cannot: references between steps, agents, tools, inputs and
 * providers, the dependency graph (cycles, unreachable route targets) and every template
 * and condition; for an orchestrator, its agents' names and tools. Reads the spec
 * defensively, so it runs (and reports) even when the schema check failed too; every
 * problem is collected, none stops the others. Time is linear in the size of the spec
 * (see `SpecGraph` for the one search that may not be).
 */
export function* checkSpec(raw: unknown, { tools }: CheckSpecOptions = {}): Work<RawIssue[]> {
  const issues: RawIssue[] = [];
  if (!isRecord(raw)) return issues;
  const report = (path: PathSegment[], message: string) => issues.push({ path, message });
  const suggest = suggester();
  const orchestrator = raw.kind === "orchestrator";

  const agents = isRecord(raw.agents) ? raw.agents : {};
  const agentNames = Object.keys(agents);
  const providers = isRecord(raw.providers) ? raw.providers : {};
  const providerNames = [...new Set([...KNOWN_PROVIDERS, ...Object.keys(providers)])];
  const inputs = isRecord(raw.inputs) ? raw.inputs : undefined;
  const defaults = isRecord(raw.defaults) ? raw.defaults : {};
  const toolList = knownTools(raw.tools, tools);
  const toolNames = toolList ? new Set(toolList) : undefined;

  const checkModel = (value: unknown, path: PathSegment[]) => {
    if (typeof value !== "string") return;
    const provider = value.slice(0, value.indexOf(":"));
    if (value.includes(":") && provider !== "" && !providerNames.includes(provider)) {
      report(
        path,
        `unknown provider "${provider}" in "${value}" ${suggest(provider, providerNames)}`,
      );
    }
  };
  const checkModels = (value: unknown, path: PathSegment[]) => {
    if (!Array.isArray(value)) return;
    for (const [index, model] of value.entries()) checkModel(model, [...path, index]);
  };
  const checkTools = (value: unknown, path: PathSegment[]) => {
    if (!toolNames || !Array.isArray(value)) return;
    value.forEach((tool, index) => {
      if (typeof tool === "string" && !toolNames.has(tool)) {
        report([...path, index], `unknown tool "${tool}" ${suggest(tool, toolList!)}`);
      }
    });
  };
  const checkAgent = (agent: Record<string, unknown>, path: PathSegment[]) => {
    // An orchestrator's subagents may take the model of the subagents it plans.
    const inherits = orchestrator && path[0] === "agents";
    if (agent.model === undefined && defaults.model === undefined && !inherits) {
      report([...path, "model"], "required: give the agent a model, or set defaults.model");
    }
    checkModel(agent.model, [...path, "model"]);
    checkModels(agent.fallbackModels, [...path, "fallbackModels"]);
    if (isRecord(agent.memory))
      checkModel(agent.memory.summaryModel, [...path, "memory", "summaryModel"]);
    checkTools(agent.tools, [...path, "tools"]);
  };

  // Providers: a custom name needs a type.
  for (const [name, settings] of Object.entries(providers)) {
    if (isRecord(settings) && settings.type === undefined && !KNOWN_PROVIDERS.includes(name)) {
      report(
        ["providers", name, "type"],
        `required: "${name}" is not a built-in provider, so say which API it speaks (openai-compatible, openai, anthropic, google, ollama)`,
      );
    }
  }
  checkModel(defaults.model, ["defaults", "model"]);
  checkModels(defaults.fallbackModels, ["defaults", "fallbackModels"]);

  // Agents: a model (or a default one), known providers and tools.
  for (const [name, agent] of Object.entries(agents)) {
    if (isRecord(agent)) checkAgent(agent, ["agents", name]);
  }
  if (isRecord(raw.budget) && isRecord(raw.budget.onExceeded))
    checkModel(raw.budget.onExceeded.switchTo, ["budget", "onExceeded", "switchTo"]);
  if (orchestrator) {
    checkOrchestrator(raw, { report, checkAgent, checkModel, checkModels, checkTools });
    return issues;
  }

  // Inputs: defaults that fit their type.
  for (const [name, input] of Object.entries(inputs ?? {})) {
    if (!isRecord(input) || input.default === undefined) continue;
    const type = typeof input.type === "string" ? input.type : "string";
    const problem = inputValueProblem(input.default, type, input.enum);
    if (problem) report(["inputs", name, "default"], problem);
  }

  // Steps.
  const steps = collectSteps(raw.steps);
  const firstIndexOf = new Map<string, number>();
  // The step each id stands for in the graph: the last of duplicates.
  const byId = new Map<string, LooseStep>();
  // Only routing steps need to know what follows them.
  const successors = new Map<string, string[]>();
  for (const step of steps) {
    if (step.id === undefined) continue;
    byId.set(step.id, step);
    if (Array.isArray(step.record.route)) successors.set(step.id, []);
    const first = firstIndexOf.get(step.id);
    if (first === undefined) firstIndexOf.set(step.id, step.index);
    else
      report(
        ["steps", step.index, "id"],
        `duplicate step id "${step.id}" (first used by steps[${first}])`,
      );
  }
  const stepIds = [...firstIndexOf.keys()];

  for (const [position, step] of steps.entries()) {
    if (position % SLICE === SLICE - 1) yield;
    const { record, index } = step;
    if (typeof record.agent === "string" && !Object.hasOwn(agents, record.agent)) {
      report(
        ["steps", index, "agent"],
        `unknown agent "${record.agent}" ${suggest(record.agent, agentNames)}`,
      );
    }
    const seen = step.dependsOn.length > 1 ? new Set<string>() : undefined;
    for (const dependency of step.dependsOn) {
      if (dependency.id === step.id) report(dependency.path, `step "${step.id}" depends on itself`);
      else if (!firstIndexOf.has(dependency.id))
        report(
          dependency.path,
          `unknown step "${dependency.id}" ${suggest(dependency.id, stepIds)}`,
        );
      else if (seen?.has(dependency.id))
        report(dependency.path, `"${dependency.id}" is listed twice`);
      else if (step.id !== undefined) successors.get(dependency.id)?.push(step.id);
      seen?.add(dependency.id);
    }
    if (typeof record.quorum === "number" && record.quorum > step.dependsOn.length) {
      report(
        ["steps", index, "quorum"],
        `quorum ${record.quorum} is more than the step's ${step.dependsOn.length} dependencies`,
      );
    }
    checkModels(record.fallbackModels, ["steps", index, "fallbackModels"]);
  }

  yield;
  const graph = new SpecGraph(byId);
  yield;
  for (const cycle of graph.cycles) {
    const first = byId.get(cycle[0]!)!;
    report(
      ["steps", first.index, "dependsOn"],
      `dependency cycle: ${[...cycle, cycle[0]].join(" -> ")}`,
    );
  }

  // Templates and conditions, which may only read what has ended before them.
  const inputList = inputs ? Object.keys(inputs) : [];
  const known: KnownNames = {
    steps: firstIndexOf,
    stepList: stepIds,
    inputs: inputs ? new Set(inputList) : undefined,
    inputList,
    suggest,
  };
  const checkReferences = (references: Reference[], path: PathSegment[], rules: ReferenceRules) => {
    for (const reference of references) {
      const problem = referenceProblem(reference, rules, known);
      if (problem) report(path, problem);
    }
  };
  const checkTemplates = (value: unknown, path: PathSegment[], rules: ReferenceRules) => {
    for (const [text, at] of templateStrings(value, path)) {
      const parsed = parseTemplate(text);
      if (!parsed.ok)
        report(at, `invalid template at column ${parsed.offset + 1}: ${parsed.message}`);
      else checkReferences(parsed.references, at, rules);
    }
  };
  const checkCondition = (value: unknown, path: PathSegment[], rules: ReferenceRules) => {
    if (typeof value !== "string") return;
    const parsed = parseExpression(value);
    if (!parsed.ok)
      report(path, `invalid condition at column ${parsed.offset + 1}: ${parsed.message}`);
    else checkReferences(parsed.references, path, rules);
  };

  for (const [position, step] of steps.entries()) {
    if (position % SLICE === SLICE - 1) yield;
    const { record, index, id } = step;
    const before: ReferenceRules = {
      roots: ["input", "steps"],
      mayRead: graph.upstreamOf(step),
      self: id,
    };
    const after: ReferenceRules = { ...before, roots: ["input", "steps", "output", "text"] };
    checkTemplates(record.input, ["steps", index, "input"], before);
    checkCondition(record.when, ["steps", index, "when"], before);
    if (isRecord(record.approval))
      checkTemplates(record.approval.message, ["steps", index, "approval", "message"], before);
    if (isRecord(record.loop)) {
      // The engine's `until` sees the step's output, the iteration and the results, not the input.
      checkCondition(record.loop.until, ["steps", index, "loop", "until"], {
        ...after,
        roots: ["steps", "output", "text", "iteration"],
      });
    }
    if (Array.isArray(record.route)) {
      const chosen = new Set<string>();
      const direct = new Set(id !== undefined ? (successors.get(id) ?? []) : []);
      if (id !== undefined && direct.size === 0) {
        report(
          ["steps", index, "route"],
          `step "${id}" has a route, but no step depends on it, so there is nothing to route to`,
        );
      }
      record.route.forEach((routeCase, caseIndex) => {
        if (!isRecord(routeCase)) return;
        const casePath: PathSegment[] = ["steps", index, "route", caseIndex];
        checkCondition(routeCase.when, [...casePath, "when"], after);
        if (routeCase.when === undefined && caseIndex < (record.route as unknown[]).length - 1) {
          report(
            casePath,
            "a case without `when` always matches, so the cases after it can never be chosen; put it last",
          );
        }
        const targets = typeof routeCase.to === "string" ? [routeCase.to] : routeCase.to;
        if (!Array.isArray(targets)) return;
        targets.forEach((target, targetIndex) => {
          if (typeof target !== "string") return;
          const at =
            typeof routeCase.to === "string"
              ? [...casePath, "to"]
              : [...casePath, "to", targetIndex];
          chosen.add(target);
          if (!firstIndexOf.has(target))
            report(at, `unknown step "${target}" ${suggest(target, stepIds)}`);
          else if (!direct.has(target)) {
            report(
              at,
              `step "${target}" does not depend on "${id}", so this route cannot choose it (add "${id}" to its dependsOn)`,
            );
          }
        });
      });
      for (const successor of direct) {
        if (chosen.has(successor)) continue;
        const dependent = byId.get(successor)!;
        const position = dependent.dependsOn.find((dependency) => dependency.id === id);
        report(
          position?.path ?? ["steps", dependent.index, "dependsOn"],
          `unreachable: "${successor}" follows the routing step "${id}", but no route case leads to it, so it would always be skipped`,
        );
      }
    }
  }
  // The workflow's output is computed from the results alone.
  checkTemplates(raw.output, ["output"], {
    roots: ["steps"],
    mayRead: undefined,
    self: undefined,
  });

  // Budgets per agent name only mean something for agents that exist.
  if (isRecord(raw.budget)) {
    if (isRecord(raw.budget.perAgent)) {
      for (const name of Object.keys(raw.budget.perAgent)) {
        if (!Object.hasOwn(agents, name))
          issues.push({
            path: ["budget", "perAgent", name],
            message: `unknown agent "${name}" ${suggest(name, agentNames)}`,
            atKey: true,
          });
      }
    }
  }
  return issues;
}

/** The tool names agents may list, or `undefined` when they cannot be known before building. */
function knownTools(
  section: unknown,
  registry: readonly string[] | undefined,
): string[] | undefined {
  if (!isRecord(section)) return registry ? [...registry] : undefined;
  const names: string[] = [];
  for (const [name, entry] of Object.entries(section)) {
    const type = isRecord(entry) && entry.type !== undefined ? entry.type : name;
    // An MCP server's tools are named by the server: known once it runs.
    if (type === "mcp") return undefined;
    names.push(name);
  }
  return [...new Set([...names, ...(registry ?? [])])];
}

interface OrchestratorChecks {
  report(path: PathSegment[], message: string): void;
  checkAgent(agent: Record<string, unknown>, path: PathSegment[]): void;
  checkModel(value: unknown, path: PathSegment[]): void;
  checkModels(value: unknown, path: PathSegment[]): void;
  checkTools(value: unknown, path: PathSegment[]): void;
}

/** An orchestrator's names (main agent, designer, subagents), models and tools. */
function checkOrchestrator(
  raw: Record<string, unknown>,
  { report, checkAgent, checkModel, checkModels, checkTools }: OrchestratorChecks,
): void {
  const main = isRecord(raw.mainAgent) ? raw.mainAgent : undefined;
  if (main) checkAgent(main, ["mainAgent"]);
  const mainName = typeof main?.name === "string" ? main.name : "main";
  const designerName = typeof raw.designerName === "string" ? raw.designerName : "designer";
  if (mainName === designerName) {
    report(["designerName"], `"${designerName}" is also the main agent's name`);
  }
  for (const name of Object.keys(isRecord(raw.agents) ? raw.agents : {})) {
    if (name === mainName || name === designerName) {
      report(
        ["agents", name],
        `"${name}" is the ${name === mainName ? "main agent's" : "designer's"} name; pick another`,
      );
    }
  }
  checkModel(raw.designerModel, ["designerModel"]);
  checkModel(raw.subagentModel, ["subagentModel"]);
  checkModels(raw.fallbackModels, ["fallbackModels"]);
  if (isRecord(raw.subagentMemory))
    checkModel(raw.subagentMemory.summaryModel, ["subagentMemory", "summaryModel"]);
  checkTools(raw.availableTools, ["availableTools"]);
}
