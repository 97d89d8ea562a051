import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import {
  getDefaultEnvironment,
  StdioClientTransport,
} from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type JSONSchema7, jsonSchema, type ToolSet, tool } from "ai";
import { checkOptions } from "../runtime/check-options.js";
import { ToolError } from "./tool-error.js";
import { mcpToolsOptionsRule } from "./tool-options-rules.js";

/** How to reach an MCP server: start it over stdio, or connect to it over HTTP. */
export type McpToolsOptions = McpStdioOptions | McpHttpOptions;

/** Options every MCP connection takes. */
interface McpConnectionOptions {
  /** Put before each tool's name (`fs_` + `read_file`), to keep names apart. @default "" */
  prefix?: string;
  /** Each tool call fails after this many ms. @default 60_000 */
  timeoutMs?: number;
  /** Cancels connecting. */
  signal?: AbortSignal;
}

/** A server reached over HTTP: Streamable HTTP, or the older HTTP+SSE transport. */
export interface McpHttpOptions extends McpConnectionOptions {
  /** The server's MCP endpoint, e.g. `http://127.0.0.1:3000/mcp` (or its `/sse` endpoint). */
  url: string | URL;
  /**
   * `"streamable-http"` (the current transport), `"sse"` (the older HTTP+SSE one), or
   * `"auto"`: Streamable HTTP, and SSE when the server refuses it (as an SSE-only server
   * does, with a 4xx).
   * @default "auto"
   */
  transport?: "auto" | "streamable-http" | "sse";
  /** Headers sent with every request (an `Authorization` header, say). @default {} */
  headers?: Record<string, string>;
}

/** A server started as a child process and reached over its stdin and stdout. */
export interface McpStdioOptions extends McpConnectionOptions {
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
  /** Where the server's stderr goes: "inherit" shows it, "ignore" drops it. @default "ignore" */
  stderr?: "inherit" | "ignore";
}

/** The tools of a connected MCP server, and how to disconnect. */
export interface McpToolSet {
  /** AI SDK tools by name (with `prefix`), ready for `agent({ tools })`. */
  tools: ToolSet;
  /** The server's own name and version, as it reported them. */
  server: { name: string; version: string } | undefined;
  /** How it is connected: `"stdio"`, `"streamable-http"` or `"sse"`. */
  transport: "stdio" | "streamable-http" | "sse";
  /** Ends the session (and stops the server process, over stdio). */
  close(): Promise<void>;
}

/**
 * What an MCP tool call returns to the model: the server's `structuredContent` when it
 * sends one, else the text of its text parts, else its content parts as they are.
 */
export type McpToolOutput = unknown;

/**
 * Connects to an MCP server with `@modelcontextprotocol/sdk`, lists its tools and returns
 * them as AI SDK tools: a server it starts over stdio (`command`), or one already serving
 * over HTTP (`url`: Streamable HTTP, or the older SSE transport). A call the server answers
 * with `isError` throws a `ToolError` (`mcp-tool-error`) carrying the server's message.
 * Call `close()` when done.
 *
 * @example
 * const fs = await mcpTools({
 *   command: "npx",
 *   args: ["-y", "@modelcontextprotocol/server-filesystem", "./docs"],
 * });
 * const crm = await mcpTools({ url: "https://crm.internal/mcp", headers: { Authorization: `Bearer ${token}` } });
 * const reader = agent({ name: "reader", model, tools: { ...fs.tools, ...crm.tools } });
 * try { await reader.run("List the docs."); } finally { await fs.close(); await crm.close(); }
 */
export async function mcpTools(options: McpToolsOptions): Promise<McpToolSet> {
  checkOptions(mcpToolsOptionsRule, options, "mcpTools()");
  const { prefix = "", timeoutMs = 60_000, signal } = options;
  const { client, transport } = await connect(options);
  try {
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
      transport,
      close: () => client.close(),
    };
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
}

type Connected = { client: Client; transport: McpToolSet["transport"] };

/** A connected client, over the transport the options name. */
async function connect(options: McpToolsOptions): Promise<Connected> {
  const { signal } = options;
  if (!("url" in options) || options.url === undefined) {
    const { command, args = [], env = {}, cwd } = options as McpStdioOptions;
    const transport = new StdioClientTransport({
      command,
      args: [...args],
      env: { ...getDefaultEnvironment(), ...env },
      ...(cwd !== undefined ? { cwd } : {}),
      stderr: (options as McpStdioOptions).stderr ?? "ignore",
    });
    return { client: await open(transport, signal), transport: "stdio" };
  }
  const url = new URL(options.url);
  const requestInit = options.headers ? { headers: { ...options.headers } } : undefined;
  const mode = options.transport ?? "auto";
  if (mode === "sse")
    return { client: await open(sse(url, requestInit), signal), transport: "sse" };
  try {
    const streamable = new StreamableHTTPClientTransport(url, requestInit ? { requestInit } : {});
    return { client: await open(streamable, signal), transport: "streamable-http" };
  } catch (error) {
    // A server that only speaks the older transport refuses the POST with a 4xx.
    if (mode === "streamable-http" || signal?.aborted || !isClientError(error)) throw error;
    return { client: await open(sse(url, requestInit), signal), transport: "sse" };
  }
}

function sse(url: URL, requestInit: RequestInit | undefined): SSEClientTransport {
  const headers = requestInit?.headers as Record<string, string> | undefined;
  return new SSEClientTransport(url, {
    ...(requestInit ? { requestInit } : {}),
    // The event stream is a GET of its own: it needs the headers too.
    ...(headers
      ? {
          eventSourceInit: {
            fetch: (input, init) =>
              fetch(input, { ...init, headers: { ...(init?.headers as object), ...headers } }),
          },
        }
      : {}),
  });
}

async function open(transport: Transport, signal: AbortSignal | undefined): Promise<Client> {
  const client = new Client({ name: "baton", version: "0.1.0" });
  try {
    await client.connect(transport, signal ? { signal } : {});
    return client;
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
}

/** Whether a failed connection was an HTTP 4xx answer (the transport is not served there). */
function isClientError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "number") return code >= 400 && code < 500;
  return /\b4\d\d\b/.test(error instanceof Error ? error.message : String(error));
}
