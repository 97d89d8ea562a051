import type { Tool, ToolSet } from "ai";
import type { RunTelemetry } from "../../engine/index.js";
import {
  type Agent,
  agent,
  BatonError,
  type Clock,
  type IdGenerator,
  type RunStore,
} from "../../index.js";
import {
  type OrchestratorSpec,
  type OrchestratorSpecInput,
  type SpecToolSet,
  specAgents,
  specTools,
  validateSpec,
} from "../../spec/index.js";
import { Orchestrator } from "../orchestrator.js";

export interface BuildOrchestratorOptions {
  /**
   * Tools of your own the spec may name (in `availableTools` or an agent's `tools`) besides
   * those its `tools` section configures, by name.
   * @default {}
   */
  tools?: Record<string, Tool>;
  /** Where API keys, base URLs and `${NAME}` in MCP settings are read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** Relative paths in the spec (`read_file.root`, `mcp.cwd`) are resolved from here. @default process.cwd() */
  baseDir?: string;
  /** Where runs are logged. @default a new MemoryStore */
  store?: RunStore;
  clock?: Clock;
  ids?: IdGenerator;
  /** Where the spec came from, for error messages. */
  source?: string;
  /** Where MCP servers' stderr goes, unless an entry says. @default "ignore" */
  mcpStderr?: "inherit" | "ignore";
  /** Cancels starting MCP servers. */
  signal?: AbortSignal;
  /** Traces the orchestrator's runs (`telemetry()` of baton-ai/telemetry). */
  telemetry?: RunTelemetry;
}

/** An orchestrator built from a spec, and what to release when done with it. */
export interface BuiltOrchestrator {
  orchestrator: Orchestrator;
  spec: OrchestratorSpec;
  /** The spec's `task`, if it has one. */
  task: string | undefined;
  /** Stops the MCP servers the spec started. */
  close(): Promise<void>;
}

/**
 * Builds an orchestrator from a spec (`kind: orchestrator`, as `parseSpec` returns it, or
 * parsed YAML/JSON data): the tools its `tools` section configures (built-in tools, MCP
 * servers started over stdio), its agents (the subagents the main agent may delegate to)
 * and its main agent, with the spec's `defaults` and `providers` applied as for a
 * workflow. Models are resolved now, so a missing API key fails here.
 *
 * @throws SpecError listing every problem (invalid spec, unknown tools, missing keys, MCP
 *   servers that do not start), with nothing left running.
 * @example
 * const { orchestrator, task, close } = await buildOrchestrator(await loadSpec("team.yaml"));
 * try { console.log((await orchestrator.process(task ?? "Hello")).content); } finally { await close(); }
 */
export async function buildOrchestrator(
  spec: OrchestratorSpec | OrchestratorSpecInput | unknown,
  options: BuildOrchestratorOptions = {},
): Promise<BuiltOrchestrator> {
  const { tools: own = {}, env = process.env, baseDir = process.cwd(), source } = options;
  if (typeof own !== "object" || own === null || Array.isArray(own)) {
    throw new TypeError("buildOrchestrator: expected options.tools to be a map of tools by name");
  }
  const checked = validateSpec(spec, {
    kind: "orchestrator",
    tools: Object.keys(own),
    ...(source !== undefined ? { source } : {}),
  });
  const built: SpecToolSet = await specTools(checked, {
    baseDir,
    env,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.mcpStderr ? { mcpStderr: options.mcpStderr } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(source !== undefined ? { source } : {}),
  });
  try {
    const orchestrator = orchestratorOf(checked, { ...own, ...built.registry }, options);
    return { orchestrator, spec: checked, task: checked.task, close: built.close };
  } catch (error) {
    await built.close();
    throw error;
  }
}

function orchestratorOf(
  spec: OrchestratorSpec,
  registry: Record<string, Tool>,
  { env = process.env, clock, ids, store, source, telemetry }: BuildOrchestratorOptions,
): Orchestrator {
  const agents = specAgents(spec, { tools: registry, env, ...(clock ? { clock } : {}) });
  const subagents: Array<{ agent: Agent<unknown>; description?: string }> = [];
  for (const [name, written] of Object.entries(spec.agents ?? {})) {
    // Subagents without a model of their own take the one planned subagents get.
    const model =
      written.model ?? spec.subagentModel ?? spec.defaults?.model ?? spec.mainAgent.model;
    const options = agents.options(name, { ...written, ...(model ? { model } : {}) }, [
      "agents",
      name,
    ]);
    if (!options) continue;
    try {
      subagents.push({
        agent: agent(options),
        ...(written.description !== undefined ? { description: written.description } : {}),
      });
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      agents.report(["agents", name], error.message);
    }
  }
  const { name: mainName = "main", ...main } = spec.mainAgent;
  const mainAgent = agents.options(mainName, main, ["mainAgent"]);
  const availableTools: ToolSet = {};
  for (const [index, name] of (spec.availableTools ?? []).entries()) {
    if (Object.hasOwn(registry, name)) availableTools[name] = registry[name]!;
    else agents.report(["availableTools", index], `unknown tool "${name}"`);
  }
  const designerModel =
    spec.designerModel !== undefined
      ? agents.model(spec.designerModel, ["designerModel"])
      : undefined;
  const subagentModel =
    spec.subagentModel !== undefined
      ? agents.model(spec.subagentModel, ["subagentModel"])
      : undefined;
  const subagentMemory = spec.subagentMemory && {
    ...spec.subagentMemory,
    ...(spec.subagentMemory.summaryModel !== undefined
      ? {
          summaryModel: agents.model(spec.subagentMemory.summaryModel, [
            "subagentMemory",
            "summaryModel",
          ])!,
        }
      : {}),
  };
  if (agents.failed || !mainAgent) throw agents.error(source);
  const { output: _, ...mainOptions } = mainAgent;
  try {
    return new Orchestrator({
      ...(spec.name !== undefined ? { name: spec.name } : {}),
      mainAgent: mainOptions,
      subagents,
      availableTools,
      ...(subagentModel ? { subagentModel } : {}),
      ...(designerModel ? { designerModel } : {}),
      ...(spec.designerName !== undefined ? { designerName: spec.designerName } : {}),
      ...(subagentMemory ? { subagentMemory } : {}),
      ...(spec.subagentMaxSteps !== undefined ? { subagentMaxSteps: spec.subagentMaxSteps } : {}),
      ...(spec.maxParallelTasks !== undefined ? { maxParallelTasks: spec.maxParallelTasks } : {}),
      ...(spec.maxPlanAttempts !== undefined ? { maxPlanAttempts: spec.maxPlanAttempts } : {}),
      ...(spec.retry !== undefined ? { retry: spec.retry } : {}),
      ...(spec.timeout !== undefined ? { timeout: spec.timeout } : {}),
      ...(spec.fallbackModels !== undefined ? { fallbackModels: spec.fallbackModels } : {}),
      ...(spec.budget !== undefined ? { budget: spec.budget } : {}),
      ...(spec.limits !== undefined ? { limits: spec.limits } : {}),
      ...(spec.circuitBreaker !== undefined ? { circuitBreaker: spec.circuitBreaker } : {}),
      prices: agents.prices,
      modelOptions: { env },
      ...(clock ? { clock } : {}),
      ...(store ? { store } : {}),
      ...(ids ? { ids } : {}),
      ...(telemetry ? { telemetry } : {}),
    });
  } catch (error) {
    if (!(error instanceof TypeError) && !BatonError.isInstance(error)) throw error;
    agents.report([], error.message);
    throw agents.error(source);
  }
}
