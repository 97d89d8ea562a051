import { afterEach, describe, expect, it } from "vitest";
import { scriptedModel, testPrices, textReply, toolCallReply } from "../agents/test-support.js";
import { agent } from "../index.js";
import { type McpToolSet, mcpTools } from "./mcp-tools.js";
import { type McpHttpServer, startMcpHttpServer } from "./test-support.js";

const options = { toolCallId: "m1", messages: [], context: undefined as never };

let server: McpHttpServer | undefined;
let connected: McpToolSet | undefined;

afterEach(async () => {
  await connected?.close();
  connected = undefined;
  await server?.close();
  server = undefined;
});

describe("mcpTools over HTTP (a real MCP server on 127.0.0.1)", () => {
  it("connects over Streamable HTTP, lists the tools and calls them, sending the headers", async () => {
    server = await startMcpHttpServer();
    connected = await mcpTools({
      url: server.mcpUrl,
      headers: { Authorization: "Bearer t0ken" },
    });
    expect(connected.transport).toBe("streamable-http");
    expect(connected.server).toEqual({ name: "tides", version: "1.2.3" });
    expect(Object.keys(connected.tools).sort()).toEqual(["add", "fail", "forecast"]);
    expect(await connected.tools.add!.execute!({ a: 2, b: 3 }, options)).toBe("5");
    expect(await connected.tools.forecast!.execute!({ harbour: "Brest" }, options)).toEqual({
      harbour: "Brest",
      highWater: "06:12",
    });
    await expect(
      Promise.resolve(connected.tools.fail!.execute!({}, options)),
    ).rejects.toMatchObject({
      name: "ToolError",
      code: "mcp-tool-error",
      message: "the tide gauge is offline",
    });
    expect(server.requests.length).toBeGreaterThan(0);
    expect(
      server.requests.filter((request) => request.path === "/mcp").map((r) => r.authorization),
    ).toEqual(expect.arrayContaining(["Bearer t0ken"]));
    expect(server.requests.every((request) => request.authorization === "Bearer t0ken")).toBe(true);
  });

  it("connects over the older SSE transport when asked", async () => {
    server = await startMcpHttpServer(["sse"]);
    connected = await mcpTools({ url: server.sseUrl, transport: "sse", prefix: "tides_" });
    expect(connected.transport).toBe("sse");
    expect(Object.keys(connected.tools).sort()).toEqual([
      "tides_add",
      "tides_fail",
      "tides_forecast",
    ]);
    expect(await connected.tools.tides_add!.execute!({ a: 20, b: 22 }, options)).toBe("42");
  });

  it("falls back to SSE on its own when the server refuses Streamable HTTP", async () => {
    server = await startMcpHttpServer(["sse"]);
    connected = await mcpTools({ url: server.sseUrl });
    expect(connected.transport).toBe("sse");
    expect(server.requests[0]).toMatchObject({ method: "POST", path: "/sse" });
    expect(await connected.tools.add!.execute!({ a: 1, b: 1 }, options)).toBe("2");
  });

  it("fails when the server refuses the one transport asked for", async () => {
    server = await startMcpHttpServer(["sse"]);
    await expect(mcpTools({ url: server.sseUrl, transport: "streamable-http" })).rejects.toThrow();
  });

  it("gives an agent the server's tools: the model's tool call reaches the server over HTTP", async () => {
    server = await startMcpHttpServer();
    connected = await mcpTools({ url: server.mcpUrl });
    const model = scriptedModel(
      "alpha",
      toolCallReply([{ name: "forecast", input: { harbour: "Brest" } }]),
      textReply("High water at 06:12."),
    );
    const pilot = agent({ name: "pilot", model, prices: testPrices, tools: connected.tools });
    const result = await pilot.run("When is high water in Brest?");
    expect(result.text).toBe("High water at 06:12.");
    expect(result.toolCalls[0]).toMatchObject({
      tool: "forecast",
      output: { harbour: "Brest", highWater: "06:12" },
    });
  });

  it("checks its HTTP options", async () => {
    await expect(mcpTools({ url: "ftp://example.test/mcp" })).rejects.toThrow(
      /expected "url" to be an http\(s\) URL, received "ftp:\/\/example.test\/mcp"/,
    );
    await expect(
      mcpTools({ url: "http://127.0.0.1:1/mcp", command: "x" } as never),
    ).rejects.toThrow(/either "command" or "url", received both/);
    await expect(
      mcpTools({ url: "http://127.0.0.1:1/mcp", transport: "websocket" as never }),
    ).rejects.toThrow(/"transport" to be "auto", "streamable-http" or "sse"/);
  });
});
