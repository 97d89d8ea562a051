import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  getDefaultEnvironment,
  StdioClientTransport,
} from "@modelcontextprotocol/sdk/client/stdio.js";
import { type JSONSchema7, jsonSchema, type ToolSet, tool } from "ai";
import { checkOptions } from "../runtime/check-options.js";
import { ToolError } from "./tool-error.js";
import { mcpToolsOptionsRule } from "./tool-options-rules.js";

export interface McpToolsOptions {
  /** The program that runs the MCP server, e.g. `npx` or `node`. */
  command: string;
  /** @default [] */
  args?: readonly string[];
  /**
   * Variables added to the server's environment. The server gets a safe default
   * environment (PATH, HOME, ...) plus these; never the whole of `process.env`.
   * @default {}
   */
  env?: Record<string, string>;
  /** The server's working directory. @default the current directory */
  cwd?: string;
  /** Put before each tool's name (`fs_` + `read_file`), to keep names apart. @default "" */
  prefix?: string;
  /** Each tool call fails after this many ms. @default 60_000 */
  timeoutMs?: number;
  /** Where the server's stderr goes: "inherit" shows it, "ignore" drops it. @default "ignore" */
  stderr?: "inherit" | "ignore";
  /** Cancels connecting. */
  signal?: AbortSignal;
}

/** The tools of a connected MCP server, and how to disconnect. */
export interface McpToolSet {
  /** AI SDK tools by name (with `prefix`), ready for `agent({ tools })`. */
  tools: ToolSet;
  /** The server's own name and version, as it reported them. */
  server: { name: string; version: string } | undefined;
  /** Ends the session and stops the server process. */
  close(): Promise<void>;
}

/**
 * What an MCP tool call returns to the model: the server's `structuredContent` when it
 * sends one, else the text of its text parts, else its content parts as they are.
 */
export type McpToolOutput = unknown;

/**
 * Starts an MCP server over stdio with `@modelcontextprotocol/sdk`, lists its tools and
 * returns them as AI SDK tools. A call the server answers with `isError` throws a
 * `ToolError` (`mcp-tool-error`) carrying the server's message. Call `close()` when done.
 *
 * @example
 * const fs = await mcpTools({
 *   command: "npx",
 *   args: ["-y", "@modelcontextprotocol/server-filesystem", "./docs"],
 * });
 * const reader = agent({ name: "reader", model, tools: fs.tools });
 * try { await reader.run("List the docs."); } finally { await fs.close(); }
 */
export async function mcpTools(options: McpToolsOptions): Promise<McpToolSet> {
  checkOptions(mcpToolsOptionsRule, options, "mcpTools()");
  const { command, args = [], env = {}, cwd, prefix = "", timeoutMs = 60_000, signal } = options;
  const transport = new StdioClientTransport({
    command,
    args: [...args],
    env: { ...getDefaultEnvironment(), ...env },
    ...(cwd !== undefined ? { cwd } : {}),
    stderr: options.stderr ?? "ignore",
  });
  const client = new Client({ name: "baton", version: "0.1.0" });
  try {
    await client.connect(transport, signal ? { signal } : {});
    const listed: Awaited<ReturnType<Client["listTools"]>>["tools"] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, signal ? { signal } : {});
      listed.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);

    const tools: ToolSet = {};
    for (const entry of listed) {
      const name = `${prefix}${entry.name}`;
      tools[name] = tool({
        description: entry.description ?? `The "${entry.name}" tool of an MCP server.`,
        inputSchema: jsonSchema<Record<string, unknown>>(entry.inputSchema as JSONSchema7),
        execute: async (input, { abortSignal }): Promise<McpToolOutput> => {
          const result = await client.callTool({ name: entry.name, arguments: input }, undefined, {
            timeout: timeoutMs,
            ...(abortSignal ? { signal: abortSignal } : {}),
          });
          const content = Array.isArray(result.content) ? result.content : [];
          const text = content
            .filter((part): part is { type: "text"; text: string } => part?.type === "text")
            .map((part) => part.text)
            .join("\n");
          if (result.isError) {
            throw new ToolError(text || `MCP tool "${entry.name}" failed`, {
              tool: name,
              code: "mcp-tool-error",
            });
          }
          if (result.structuredContent !== undefined) return result.structuredContent;
          return content.every((part) => part?.type === "text") ? text : content;
        },
      });
    }
    const version = client.getServerVersion();
    return {
      tools,
      server: version ? { name: version.name, version: version.version } : undefined,
      close: () => client.close(),
    };
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
}
