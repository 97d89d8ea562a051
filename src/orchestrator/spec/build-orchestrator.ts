import { isAbsolute, resolve } from "node:path";
import type { Tool, ToolSet } from "ai";
import {
  type Agent,
  agent,
  BatonError,
  type Clock,
  type IdGenerator,
  type RunStore,
} from "../../index.js";
import { resolveModel } from "../../models/index.js";
import { SpecError, type SpecIssue } from "../../spec/index.js";
import { calculator, httpFetch, type McpToolSet, mcpTools, readFile } from "../../tools/index.js";
import { Orchestrator } from "../orchestrator.js";
import type { OrchestratorSpec } from "./orchestrator-spec-schema.js";
import { checkOrchestratorSpec, toolEntryName } from "./parse-orchestrator-spec.js";

export interface BuildOrchestratorOptions {
  /**
   * Tools a spec may name besides the built-in ones (in `availableTools` or an agent's
   * `tools`), by name.
   * @default {}
   */
  tools?: Record<string, Tool>;
  /** Where API keys and base URLs are read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** Relative paths in the spec (`read_file.root`, `mcp.cwd`) are resolved from here. @default process.cwd() */
  baseDir?: string;
  /** Where runs are logged. @default a new MemoryStore */
  store?: RunStore;
  clock?: Clock;
  ids?: IdGenerator;
  /** Where the spec came from, for error messages. */
  source?: string;
  /** Where MCP servers' stderr goes. @default "ignore" */
  mcpStderr?: "inherit" | "ignore";
  /** Cancels starting MCP servers. */
  signal?: AbortSignal;
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Builds an orchestrator from a spec (as `parseOrchestratorSpec` returns it, or parsed
 * YAML/JSON data): its available tools (built-in tools, MCP servers started over stdio,
 * registry tools), its subagents and main agent. Models are resolved now, so a missing
 * API key fails here.
 *
 * @throws SpecError listing every problem (invalid spec, unknown tools, missing keys, MCP
 *   servers that do not start), with nothing left running.
 * @example
 * const { orchestrator, task, close } = await buildOrchestrator(parseOrchestratorSpec(text));
 * try { console.log((await orchestrator.process(task ?? "Hello")).content); } finally { await close(); }
 */
export async function buildOrchestrator(
  spec: OrchestratorSpec | unknown,
  options: BuildOrchestratorOptions = {},
): Promise<BuiltOrchestrator> {
  const {
    tools: registry = {},
    env = process.env,
    baseDir = process.cwd(),
    source,
    clock,
    ids,
    store,
  } = options;
  if (typeof registry !== "object" || registry === null || Array.isArray(registry)) {
    throw new TypeError("buildOrchestrator: expected options.tools to be a map of tools by name");
  }
  const checked = checkOrchestratorSpec(spec, {
    ...(source !== undefined ? { source } : {}),
    tools: Object.keys(registry),
  });
  const issues: SpecIssue[] = [];
  const servers: McpToolSet[] = [];
  const close = async () => {
    await Promise.allSettled(servers.map((server) => server.close()));
  };
  const fail = async (): Promise<never> => {
    await close();
    throw new SpecError(issues, source !== undefined ? { source } : {});
  };
  const path = (directory: string) =>
    isAbsolute(directory) ? directory : resolve(baseDir, directory);

  const availableTools: ToolSet = {};
  const addTool = (name: string, tool: Tool, where: string) => {
    if (Object.hasOwn(availableTools, name)) {
      issues.push({ path: where, message: `a tool named "${name}" is already available` });
      return;
    }
    availableTools[name] = tool;
  };
  for (const [index, entry] of (checked.availableTools ?? []).entries()) {
    const where = `availableTools[${index}]`;
    const name = toolEntryName(entry);
    try {
      if (typeof entry === "string") {
        if (entry === "calculator" && !Object.hasOwn(registry, entry))
          addTool(entry, calculator(), where);
        else addTool(entry, registry[entry]!, where);
      } else if ("calculator" in entry) {
        addTool(name!, calculator(), where);
      } else if ("http_fetch" in entry) {
        const { allowHosts, timeoutMs, maxBytes, maxRedirects } = entry.http_fetch;
        addTool(
          name!,
          httpFetch({
            allowHosts,
            ...(timeoutMs !== undefined ? { timeoutMs } : {}),
            ...(maxBytes !== undefined ? { maxBytes } : {}),
            ...(maxRedirects !== undefined ? { maxRedirects } : {}),
            ...(clock ? { clock } : {}),
          }),
          where,
        );
      } else if ("read_file" in entry) {
        const { root, maxBytes } = entry.read_file;
        addTool(
          name!,
          readFile({ root: path(root), ...(maxBytes !== undefined ? { maxBytes } : {}) }),
          where,
        );
      } else if ("mcp" in entry) {
        const { command, args, env: serverEnv, cwd, prefix, timeoutMs } = entry.mcp;
        const server = await mcpTools({
          command,
          ...(args ? { args } : {}),
          ...(serverEnv ? { env: serverEnv } : {}),
          ...(cwd !== undefined ? { cwd: path(cwd) } : { cwd: baseDir }),
          ...(prefix !== undefined ? { prefix } : {}),
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          stderr: options.mcpStderr ?? "ignore",
          ...(options.signal ? { signal: options.signal } : {}),
        });
        servers.push(server);
        for (const [toolName, tool] of Object.entries(server.tools))
          addTool(toolName, tool, `${where}.mcp`);
      }
    } catch (error) {
      const kind = typeof entry === "string" ? "" : `.${Object.keys(entry)[0]}`;
      const what =
        typeof entry === "object" && "mcp" in entry
          ? "the MCP server did not start"
          : "invalid tool";
      issues.push({ path: `${where}${kind}`, message: `${what}: ${messageOf(error)}` });
    }
  }
  if (issues.length > 0) return fail();

  const toolsFor = (names: readonly string[] | undefined, where: string): ToolSet => {
    const set: ToolSet = {};
    for (const [index, name] of (names ?? []).entries()) {
      const tool = availableTools[name] ?? registry[name];
      if (tool) set[name] = tool;
      else {
        issues.push({
          path: `${where}[${index}]`,
          message: `unknown tool "${name}" (known: ${[...new Set([...Object.keys(availableTools), ...Object.keys(registry)])].join(", ") || "none"})`,
        });
      }
    }
    return set;
  };
  const prices = checked.prices;
  const modelOptions = { env };
  const shared = { ...(prices ? { prices } : {}), ...(clock ? { clock } : {}), modelOptions };
  const main = checked.mainAgent;
  const subagents: Array<{ agent: Agent<unknown>; description?: string }> = [];
  for (const [name, subagent] of Object.entries(checked.subagents ?? {})) {
    const tools = toolsFor(subagent.tools, `subagents.${name}.tools`);
    try {
      subagents.push({
        agent: agent({
          name,
          model: subagent.model ?? checked.subagentModel ?? main.model,
          ...(subagent.instructions !== undefined ? { instructions: subagent.instructions } : {}),
          ...(subagent.description !== undefined ? { description: subagent.description } : {}),
          tools,
          ...(subagent.maxSteps !== undefined ? { maxSteps: subagent.maxSteps } : {}),
          ...(subagent.memory !== undefined ? { memory: subagent.memory } : {}),
          ...(subagent.retry !== undefined ? { retry: subagent.retry } : {}),
          ...(subagent.timeout !== undefined ? { timeout: subagent.timeout } : {}),
          ...(subagent.fallbackModels !== undefined
            ? { fallbackModels: subagent.fallbackModels }
            : {}),
          ...shared,
        }),
        ...(subagent.description !== undefined ? { description: subagent.description } : {}),
      });
    } catch (error) {
      issues.push({ path: `subagents.${name}`, message: messageOf(error) });
    }
  }
  const mainTools = toolsFor(main.tools, "mainAgent.tools");
  // Models the orchestrator resolves itself: a missing key is reported where it is written.
  const models: Array<[string, string | undefined]> = [
    ["mainAgent.model", main.model],
    ["designerModel", checked.designerModel],
    ["subagentModel", checked.subagentModel],
    ...(main.fallbackModels ?? []).map((model, index): [string, string] => [
      `mainAgent.fallbackModels[${index}]`,
      model,
    ]),
  ];
  for (const [where, model] of models) {
    if (model === undefined) continue;
    try {
      resolveModel(model, modelOptions);
    } catch (error) {
      issues.push({ path: where, message: messageOf(error) });
    }
  }
  if (issues.length > 0) return fail();
  let orchestrator: Orchestrator;
  try {
    orchestrator = new Orchestrator({
      ...(checked.name !== undefined ? { name: checked.name } : {}),
      mainAgent: {
        name: main.name ?? "main",
        model: main.model,
        ...(main.instructions !== undefined ? { instructions: main.instructions } : {}),
        ...(main.description !== undefined ? { description: main.description } : {}),
        tools: mainTools,
        ...(main.maxSteps !== undefined ? { maxSteps: main.maxSteps } : {}),
        ...(main.memory !== undefined ? { memory: main.memory } : {}),
        ...(main.retry !== undefined ? { retry: main.retry } : {}),
        ...(main.timeout !== undefined ? { timeout: main.timeout } : {}),
        ...(main.fallbackModels !== undefined ? { fallbackModels: main.fallbackModels } : {}),
      },
      subagents,
      availableTools,
      ...(checked.subagentModel !== undefined ? { subagentModel: checked.subagentModel } : {}),
      ...(checked.designerModel !== undefined ? { designerModel: checked.designerModel } : {}),
      ...(checked.designerName !== undefined ? { designerName: checked.designerName } : {}),
      ...(checked.subagentMemory !== undefined ? { subagentMemory: checked.subagentMemory } : {}),
      ...(checked.subagentMaxSteps !== undefined
        ? { subagentMaxSteps: checked.subagentMaxSteps }
        : {}),
      ...(checked.maxParallelTasks !== undefined
        ? { maxParallelTasks: checked.maxParallelTasks }
        : {}),
      ...(checked.maxPlanAttempts !== undefined
        ? { maxPlanAttempts: checked.maxPlanAttempts }
        : {}),
      ...(checked.retry !== undefined ? { retry: checked.retry } : {}),
      ...(checked.timeout !== undefined ? { timeout: checked.timeout } : {}),
      ...(checked.fallbackModels !== undefined ? { fallbackModels: checked.fallbackModels } : {}),
      ...(checked.budget !== undefined ? { budget: checked.budget } : {}),
      ...(checked.limits !== undefined ? { limits: checked.limits } : {}),
      ...(checked.circuitBreaker !== undefined ? { circuitBreaker: checked.circuitBreaker } : {}),
      ...(store ? { store } : {}),
      ...(ids ? { ids } : {}),
      ...shared,
    });
  } catch (error) {
    if (!(error instanceof TypeError) && !BatonError.isInstance(error)) {
      await close();
      throw error;
    }
    issues.push({ path: "", message: messageOf(error) });
    return fail();
  }
  return { orchestrator, spec: checked, task: checked.task, close };
}
