import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
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
  const http = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    mcpUrl: `http://127.0.0.1:${port}/mcp`,
    sseUrl: `http://127.0.0.1:${port}/sse`,
    requests,
    close: async () => {
      for (const session of sessions.values()) await session.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
