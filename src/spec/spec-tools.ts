import { isAbsolute, resolve } from "node:path";
import type { Tool } from "ai";
import { formatPath, type PathSegment } from "../core/options/option-path.js";
import type { Clock } from "../core/ports/clock.js";
import type { McpToolSet } from "../tools/mcp-tools.js";
import { SpecError, type SpecIssue } from "./spec-error.js";
import { specSchemas, type ToolSpec } from "./spec-schema.js";

/** The tools a spec's `tools` section configures, and how to let go of them. */
export interface SpecToolSet {
  /** Tools by the names agents (and `availableTools`) list. */
  registry: Record<string, Tool>;
  /** Stops the MCP servers. Safe to call twice. */
  close(): Promise<void>;
  /** With `startServers: false`: the MCP entries checked but not started (their tools are unknown). */
  unstarted: string[];
}

export interface SpecToolsOptions {
  /** Relative paths (`read_file.root`, `mcp.cwd`) are resolved from here: the spec file's directory. @default process.cwd() */
  baseDir?: string;
  /** Where `${NAME}` in an MCP server's `args` and `env` is read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** Start MCP servers (else they are only checked, and listed in `unstarted`). @default true */
  startServers?: boolean;
  /** Where MCP servers' stderr goes, unless an entry says. @default "ignore" */
  mcpStderr?: "inherit" | "ignore";
  /** The clock `http_fetch` times out on. @default systemClock */
  clock?: Clock;
  /** Cancels starting MCP servers. */
  signal?: AbortSignal;
  /** Where the spec came from, for error messages. */
  source?: string;
}

/**
 * Builds the tools a spec's `tools` section configures (for either kind of spec): built-in
 * tools under the name given (`calculator`, `http_fetch` with `allowHosts`, `read_file`
 * with a `root`) and every tool of each MCP server (`type: mcp`, started over stdio, names
 * prefixed by `prefix`). Give the registry to `buildWorkflow` (`buildOrchestrator` calls
 * this itself), and `close()` it when done.
 *
 * @example
 * const spec = await loadSpec("research.yaml", { kind: "workflow" });
 * const tools = await specTools(spec, { baseDir: "." });
 * try {
 *   await buildWorkflow(spec, { tools: tools.registry }).run({ topic: "tides" });
 * } finally {
 *   await tools.close();
 * }
 * @throws SpecError naming `tools.<name>...` for each bad entry or MCP server that does not
 *   start, with every server already started stopped.
 */
export async function specTools(
  spec: { tools?: unknown },
  options: SpecToolsOptions = {},
): Promise<SpecToolSet> {
  const { baseDir = process.cwd(), env = process.env, startServers = true, source } = options;
  const registry: Record<string, Tool> = {};
  const servers: McpToolSet[] = [];
  const unstarted: string[] = [];
  const close = async () => {
    const stopping = servers.splice(0);
    await Promise.allSettled(stopping.map((server) => server.close()));
  };
  if (spec.tools === undefined || spec.tools === null) return { registry, close, unstarted };
  const fail = (issues: SpecIssue[]) =>
    new SpecError(issues, source !== undefined ? { source } : {});
  if (typeof spec.tools !== "object" || Array.isArray(spec.tools)) {
    throw fail([{ path: "tools", message: "expected a map of tools by name" }]);
  }
  // Entries as written (a stored run's older metadata) or as parseSpec returns them.
  const read = specSchemas().readTools(spec.tools as Record<string, unknown>);
  const issues: SpecIssue[] = read.issues.map((issue) => ({
    path: formatPath(["tools", ...((issue.path ?? []) as PathSegment[])]),
    message: issue.message ?? "invalid",
  }));
  const add = (name: string, tool: Tool, path: string) => {
    if (Object.hasOwn(registry, name))
      issues.push({ path, message: `a second tool named "${name}"` });
    else registry[name] = tool;
  };
  const at = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  // Loaded when a spec has tools: the MCP SDK and the AI SDK are not part of `import "baton-ai/spec"`.
  const { calculator, httpFetch, readFile } = await import("../tools/index.js");
  try {
    for (const [name, entry] of Object.entries(read.tools)) {
      const path = formatPath(["tools", name]);
      try {
        switch (entry.type) {
          case "calculator":
            add(name, calculator() as Tool, path);
            break;
          case "http_fetch": {
            const { type: _, ...settings } = entry;
            const clock = options.clock ? { clock: options.clock } : {};
            add(name, httpFetch({ ...settings, ...clock }) as Tool, path);
            break;
          }
          case "read_file": {
            const { type: _, root, ...settings } = entry;
            add(name, readFile({ ...settings, root: at(root) }) as Tool, path);
            break;
          }
          case "mcp": {
            const launch = mcpLaunch(entry, env);
            if (!startServers || issues.length > 0) {
              unstarted.push(name);
              break;
            }
            const server = await startServer(entry, launch, at, options);
            servers.push(server);
            for (const [toolName, tool] of Object.entries(server.tools)) add(toolName, tool, path);
            break;
          }
        }
      } catch (error) {
        if (options.signal?.aborted) throw error;
        issues.push({ path, message: (error as Error).message });
      }
    }
    if (issues.length > 0) throw fail(issues);
  } catch (error) {
    await close();
    throw error;
  }
  return { registry, close, unstarted };
}

type McpSpec = Extract<ToolSpec, { type: "mcp" }>;

async function startServer(
  { command, cwd, prefix, timeoutMs, stderr }: McpSpec,
  { args, env }: { args: string[]; env: Record<string, string> },
  at: (path: string) => string,
  options: SpecToolsOptions,
): Promise<McpToolSet> {
  const { mcpTools } = await import("../tools/mcp-tools.js");
  try {
    return await mcpTools({
      command,
      args,
      // The server sees a safe default environment plus these, never all of ours.
      env,
      cwd: at(cwd ?? "."),
      stderr: stderr ?? options.mcpStderr ?? "ignore",
      ...(prefix !== undefined ? { prefix } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    throw new Error(`the MCP server "${command}" did not start: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** An MCP entry's `args` and `env` with `${NAME}` expanded. @throws Error naming an unset variable. */
function mcpLaunch(
  { args = [], env = {} }: McpSpec,
  variables: Record<string, string | undefined>,
): { args: string[]; env: Record<string, string> } {
  const expand = (value: string) => expandVariables(value, variables);
  return {
    args: args.map(expand),
    env: Object.fromEntries(Object.entries(env).map(([name, value]) => [name, expand(value)])),
  };
}

/**
 * `${NAME}` in an MCP server's `args` and `env` is the variable `NAME` of the environment,
 * so secrets stay out of spec files (and out of the run store, which keeps the spec for
 * `baton resume`).
 * @throws Error naming the variable when it is not set.
 */
export function expandVariables(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const found = env[name];
    if (found === undefined) throw new Error(`the environment variable ${name} is not set`);
    return found;
  });
}
