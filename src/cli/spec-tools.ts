import { dirname, resolve } from "node:path";
import type { Tool } from "ai";
import { z } from "zod";
import { SpecError, type SpecIssue } from "../spec/index.js";
import { calculator, httpFetch, type McpToolSet, mcpTools, readFile } from "../tools/index.js";
import type { CliContext } from "./cli-context.js";
import type { SpecFile } from "./spec-file.js";

/** The tools a spec file configures, and how to let go of them (MCP server processes). */
export interface SpecToolSet {
  /** Tools by the names agents list under `tools`. */
  registry: Record<string, Tool>;
  /** Stops the MCP servers. */
  close(): Promise<void>;
  /** With `startServers: false`: the MCP entries checked but not started (their tools are unknown). */
  unstarted: string[];
}

const TOOL_TYPES = ["calculator", "http_fetch", "read_file", "mcp"] as const;
type ToolType = (typeof TOOL_TYPES)[number];

const positive = z
  .number({ error: "expected a number" })
  .positive({ error: "expected a number > 0" });

const toolSchemas = {
  calculator: z.strictObject({ type: z.literal("calculator").optional() }),
  http_fetch: z.strictObject({
    type: z.literal("http_fetch").optional(),
    allowHosts: z
      .array(z.string({ error: "expected a host name" }), {
        error: "expected a list of hosts, e.g. [api.example.com, '*.github.com']",
      })
      .min(1, { error: "expected at least one host" }),
    timeoutMs: positive.optional(),
    maxBytes: positive.optional(),
    maxRedirects: z.int().min(0).optional(),
  }),
  read_file: z.strictObject({
    type: z.literal("read_file").optional(),
    root: z.string({ error: "expected a directory (relative to the spec file)" }),
    maxBytes: positive.optional(),
  }),
  mcp: z.strictObject({
    type: z.literal("mcp"),
    command: z.string({ error: "expected the program that runs the server, e.g. npx" }).min(1),
    args: z.array(z.string({ error: "expected a string" })).optional(),
    env: z.record(z.string(), z.string({ error: "expected a string" })).optional(),
    cwd: z.string().optional(),
    prefix: z.string().optional(),
    timeoutMs: positive.optional(),
    stderr: z.enum(["inherit", "ignore"]).optional(),
  }),
} satisfies Record<ToolType, z.ZodType>;

/**
 * Builds the tools a spec's `tools` section configures: built-in tools under the name
 * given (`calculator`, `http_fetch` with `allowHosts`, `read_file` with a `root`) and every
 * tool of each MCP server (`type: mcp`, started over stdio, names prefixed by `prefix`).
 * Relative paths are read from the spec file's directory.
 *
 * @example
 * // tools:
 * //   calculator: true
 * //   web: { type: http_fetch, allowHosts: [api.example.com] }
 * //   files: { type: mcp, command: npx, args: [-y, "@modelcontextprotocol/server-filesystem", ./data], prefix: fs_ }
 * @throws SpecError naming `tools.<name>...` for a bad entry or an MCP server that does not start.
 */
export async function specTools(
  file: Pick<SpecFile, "source" | "path" | "tools">,
  context: CliContext,
  { startServers = true }: { startServers?: boolean } = {},
): Promise<SpecToolSet> {
  const registry: Record<string, Tool> = {};
  const servers: McpToolSet[] = [];
  const unstarted: string[] = [];
  const close = async () => {
    await Promise.allSettled(servers.map((server) => server.close()));
  };
  if (file.tools === undefined || file.tools === null) return { registry, close, unstarted };
  const fail = (issues: SpecIssue[]) => new SpecError(issues, { source: file.source });
  if (typeof file.tools !== "object" || Array.isArray(file.tools)) {
    throw fail([{ path: "tools", message: "expected a map of tools by name" }]);
  }
  const base = dirname(file.path);
  const issues: SpecIssue[] = [];
  const add = (name: string, tool: Tool, path: string) => {
    if (Object.hasOwn(registry, name))
      issues.push({ path, message: `a second tool named "${name}"` });
    else registry[name] = tool;
  };
  try {
    for (const [name, raw] of Object.entries(file.tools as Record<string, unknown>)) {
      const path = `tools.${name}`;
      const entry = raw === true || raw === null ? {} : raw;
      const declared =
        typeof entry === "object" && entry !== null
          ? (entry as { type?: unknown }).type
          : undefined;
      const type = (declared ?? name) as ToolType;
      if (!TOOL_TYPES.includes(type)) {
        issues.push({
          path: declared === undefined ? path : `${path}.type`,
          message: `expected type to be one of ${TOOL_TYPES.join(", ")}${declared === undefined ? ` (the name "${name}" is not a tool type, so say which)` : ""}`,
        });
        continue;
      }
      const parsed = toolSchemas[type].safeParse(entry);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const where = issue.path.length > 0 ? `${path}.${issue.path.join(".")}` : path;
          issues.push({ path: where, message: issue.message });
        }
        continue;
      }
      if (type === "mcp" && !startServers) {
        try {
          mcpLaunch(parsed.data as ToolEntry["mcp"], context);
          unstarted.push(name);
        } catch (error) {
          issues.push({ path, message: (error as Error).message });
        }
        continue;
      }
      const built = await buildTool(type, parsed.data, base, context).catch((error: unknown) => {
        issues.push({ path, message: (error as Error).message });
        return undefined;
      });
      if (built === undefined) continue;
      if ("tools" in built) {
        servers.push(built);
        for (const [toolName, tool] of Object.entries(built.tools)) add(toolName, tool, path);
      } else add(name, built.tool, path);
    }
    if (issues.length > 0) throw fail(issues);
  } catch (error) {
    await close();
    throw error;
  }
  return { registry, close, unstarted };
}

type ToolEntry = { [T in ToolType]: z.output<(typeof toolSchemas)[T]> };

/** One built-in tool, or the tools of one MCP server. */
async function buildTool(
  type: ToolType,
  entry: ToolEntry[ToolType],
  base: string,
  context: CliContext,
): Promise<{ tool: Tool } | McpToolSet> {
  switch (type) {
    case "calculator":
      return { tool: calculator() as Tool };
    case "http_fetch": {
      const { type: _, ...options } = entry as ToolEntry["http_fetch"];
      return { tool: httpFetch(options) as Tool };
    }
    case "read_file": {
      const { type: _, root, ...options } = entry as ToolEntry["read_file"];
      return { tool: readFile({ ...options, root: resolve(base, root) }) as Tool };
    }
    case "mcp": {
      const { type: _, command, args = [], env = {}, cwd, ...options } = entry as ToolEntry["mcp"];
      const { expandedArgs, expandedEnv } = mcpLaunch(entry as ToolEntry["mcp"], context);
      try {
        return await mcpTools({
          command,
          args: expandedArgs,
          // The server sees a safe default environment plus these, never all of ours.
          env: expandedEnv,
          cwd: resolve(base, cwd ?? "."),
          stderr: "ignore",
          ...options,
          ...(context.signal ? { signal: context.signal } : {}),
        });
      } catch (error) {
        throw new Error(`the MCP server "${command}" did not start: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
  }
}

/** An MCP entry's `args` and `env` with `${NAME}` expanded. @throws Error naming an unset variable. */
function mcpLaunch(
  { args = [], env = {} }: ToolEntry["mcp"],
  context: CliContext,
): { expandedArgs: string[]; expandedEnv: Record<string, string> } {
  const expand = (value: string) => expandVariables(value, context.env);
  return {
    expandedArgs: args.map(expand),
    expandedEnv: Object.fromEntries(
      Object.entries(env).map(([name, value]) => [name, expand(value)]),
    ),
  };
}

/**
 * `${NAME}` in an MCP server's `args` and `env` is the variable `NAME` of the CLI's
 * environment, so secrets stay out of spec files (and out of the run store, which keeps
 * the tools section for `baton resume`).
 * @throws Error naming the variable when it is not set.
 */
export function expandVariables(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const found = env[name];
    if (found === undefined) throw new Error(`the environment variable ${name} is not set`);
    return found;
  });
}
