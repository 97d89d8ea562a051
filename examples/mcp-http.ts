/**
 * MCP over HTTP: an MCP server already serving over Streamable HTTP (here one written with
 * the MCP SDK, started on 127.0.0.1 by the example itself) gives its tools to an agent.
 *
 * Offline: the server is local and the agent's model is simulated (it calls the tool that
 * best matches the question, with arguments made from the tool's schema).
 *
 *   npx tsx examples/mcp-http.ts
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";
import { agent } from "../src/index.js";
import { mcpTools } from "../src/tools/index.js";

/** The server: one tool, a stock lookup, served statelessly at /mcp. */
function inventoryServer(): McpServer {
  const server = new McpServer({ name: "inventory", version: "1.0.0" });
  server.registerTool(
    "stock_level",
    {
      description: "How many units of a product are in stock",
      inputSchema: { sku: z.string() },
      outputSchema: { sku: z.string(), units: z.number() },
    },
    async ({ sku }) => {
      const structuredContent = { sku, units: 42 };
      return {
        content: [{ type: "text", text: JSON.stringify(structuredContent) }],
        structuredContent,
      };
    },
  );
  return server;
}
const http = createServer(async (request, response) => {
  if (request.method !== "POST" || request.url !== "/mcp")
    return void response.writeHead(405).end();
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const server = inventoryServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  response.on("close", () => void server.close());
  await server.connect(transport);
  await transport.handleRequest(request, response, JSON.parse(Buffer.concat(chunks).toString()));
});
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
console.log(`MCP server on ${url}`);

const inventory = await mcpTools({ url, prefix: "inventory_" });
try {
  console.log(
    `Connected over ${inventory.transport} to ${inventory.server?.name} ${inventory.server?.version}`,
  );
  console.log(`Tools: ${Object.keys(inventory.tools).join(", ")}`);
  const clerk = agent({ name: "clerk", model: "simulated:clerk", tools: inventory.tools });
  const result = await clerk.run("What is the stock level of SKU-7?");
  const call = result.toolCalls[0];
  console.log(`The agent called ${call?.tool}: ${JSON.stringify(call?.output)}`);
} finally {
  await inventory.close();
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  console.log("Server closed");
}
