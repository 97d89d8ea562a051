import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

/** Test helpers for the tool tests (not exported from the package). */

/** A real MCP server, written with the MCP SDK, serving HTTP on 127.0.0.1. */
export interface McpHttpServer {
  /** The Streamable HTTP endpoint (`/mcp`), when served. */
  mcpUrl: string;
  /** The older SSE transport's endpoint (`/sse`), when served. */
  sseUrl: string;
  /** Every request's method, path and `authorization` header, in order. */
  requests: Array<{ method: string; path: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

/** The server's tools: `add`, `forecast` (structured content) and `fail` (isError). */
function tidesServer(): McpServer {
  const server = new McpServer({ name: "tides", version: "1.2.3" });
  server.registerTool(
    "add",
    { description: "Adds two numbers", inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }] }),
  );
  server.registerTool(
    "forecast",
    {
      description: "The tide forecast for a harbour",
      inputSchema: { harbour: z.string() },
      outputSchema: { harbour: z.string(), highWater: z.string() },
    },
    async ({ harbour }) => {
      const structuredContent = { harbour, highWater: "06:12" };
      return {
        content: [{ type: "text", text: JSON.stringify(structuredContent) }],
        structuredContent,
      };
    },
  );
  server.registerTool("fail", { description: "Always fails" }, async () => ({
    content: [{ type: "text", text: "the tide gauge is offline" }],
    isError: true,
  }));
  return server;
}

async function body(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? undefined : JSON.parse(text);
}

/**
 * Starts the tides MCP server on 127.0.0.1 (a free port): Streamable HTTP at `/mcp`
 * (stateless, a server per request) unless `transports` leaves it out, and the older SSE
 * transport at `/sse` + `/messages` unless it leaves that out.
 */
export async function startMcpHttpServer(
  transports: ReadonlyArray<"streamable-http" | "sse"> = ["streamable-http", "sse"],
): Promise<McpHttpServer> {
  const sessions = new Map<string, SSEServerTransport>();
  const requests: McpHttpServer["requests"] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push({
      method: request.method ?? "",
      path: url.pathname,
      authorization: request.headers.authorization,
    });
    if (url.pathname === "/mcp" && transports.includes("streamable-http")) {
      if (request.method !== "POST") {
        response.writeHead(405).end();
        return;
      }
      const server = tidesServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      response.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(request, response, await body(request));
      return;
    }
    if (url.pathname === "/sse" && request.method === "GET" && transports.includes("sse")) {
      const transport = new SSEServerTransport("/messages", response);
      sessions.set(transport.sessionId, transport);
      response.on("close", () => sessions.delete(transport.sessionId));
      await tidesServer().connect(transport);
      return;
    }
    if (url.pathname === "/messages" && request.method === "POST") {
      const session = sessions.get(url.searchParams.get("sessionId") ?? "");
      if (!session) {
        response.writeHead(404).end();
        return;
      }
      await session.handlePostMessage(request, response, await body(request));
      return;
    }
    response.writeHead(404).end();
  };
  const { port, close } = await listen(handle);
  return {
    mcpUrl: `http://127.0.0.1:${port}/mcp`,
    sseUrl: `http://127.0.0.1:${port}/sse`,
    requests,
    close: async () => {
      for (const session of sessions.values()) await session.close();
      await close();
    },
  };
}

/** An HTTP server on 127.0.0.1 (a free port) answering with `handle`; a throw is a 500. */
async function listen(
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Promise<{ port: number; close: () => Promise<void> }> {
  const http = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    port,
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** An MCP server package that speaks stdio, served over Streamable HTTP on 127.0.0.1. */
export interface BridgedMcpServer {
  /** The Streamable HTTP endpoint (`/mcp`). */
  mcpUrl: string;
  /** The session ids the HTTP transport gave out (one per client that initialised). */
  sessions: string[];
  close(): Promise<void>;
}

/**
 * Serves a stdio MCP server package over Streamable HTTP, with sessions, as gateways such
 * as supergateway do: each client that initialises gets a session (`Mcp-Session-Id`) and
 * its own server process (`command args`), and every JSON-RPC message is relayed between
 * the SDK's HTTP server transport and the process's stdio unchanged. The tools, their
 * answers and errors are the package's own.
 */
export async function bridgeStdioMcpServer(server: {
  command: string;
  args: string[];
}): Promise<BridgedMcpServer> {
  const bridges = new Map<
    string,
    { http: StreamableHTTPServerTransport; stdio: StdioClientTransport }
  >();
  const sessions: string[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (new URL(request.url ?? "/", "http://127.0.0.1").pathname !== "/mcp") {
      response.writeHead(404).end();
      return;
    }
    const parsed = request.method === "POST" ? await body(request) : undefined;
    const sessionId = request.headers["mcp-session-id"];
    const existing = typeof sessionId === "string" ? bridges.get(sessionId) : undefined;
    if (existing) {
      await existing.http.handleRequest(request, response, parsed);
      return;
    }
    const stdio = new StdioClientTransport({ ...server, stderr: "ignore" });
    const http: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.push(id);
        bridges.set(id, { http, stdio });
      },
    });
    http.onmessage = (message) => void stdio.send(message);
    stdio.onmessage = (message) => void http.send(message);
    http.onclose = () => void stdio.close();
    await stdio.start();
    await http.start();
    await http.handleRequest(request, response, parsed);
    // A request that opened no session (not an initialize) leaves nothing behind.
    if (http.sessionId === undefined) await stdio.close();
  };
  const { port, close } = await listen(handle);
  return {
    mcpUrl: `http://127.0.0.1:${port}/mcp`,
    sessions,
    close: async () => {
      for (const { http, stdio } of bridges.values()) {
        await http.close();
        await stdio.close();
      }
      await close();
    },
  };
}
