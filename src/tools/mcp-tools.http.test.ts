import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { scriptedModel, testPrices, textReply, toolCallReply } from "../agents/test-support.js";
import { agent } from "../index.js";
import { type McpToolSet, mcpTools } from "./mcp-tools.js";
import {
  type BridgedMcpServer,
  bridgeStdioMcpServer,
  type McpHttpServer,
  startMcpHttpServer,
} from "./test-support.js";

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
      '\n  url: expected an http(s) URL, received "ftp://example.test/mcp"',
    );
    await expect(
      mcpTools({ url: "http://127.0.0.1:1/mcp", command: "x" } as never),
    ).rejects.toThrow(
      /\n {2}(command: unknown option "command"|url: unknown option "url")|expected \{ command, \.\.\. \} to start a server or \{ url, \.\.\. \} to reach one/,
    );
    await expect(
      mcpTools({ url: "http://127.0.0.1:1/mcp", transport: "websocket" as never }),
    ).rejects.toThrow(
      '\n  transport: expected "auto", "streamable-http" or "sse", received "websocket"',
    );
  });
});

describe("mcpTools over HTTP (the filesystem server package, served on 127.0.0.1)", () => {
  // The package speaks stdio; the SDK's Streamable HTTP server transport serves it, with
  // sessions, and relays its JSON-RPC messages unchanged (as MCP gateways do).
  const serverPath = createRequire(import.meta.url).resolve(
    "@modelcontextprotocol/server-filesystem/dist/index.js",
  );
  let bridge: BridgedMcpServer | undefined;
  let directory: string | undefined;

  afterEach(async () => {
    await bridge?.close();
    bridge = undefined;
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it("opens a session, lists the package's tools, calls them and gets its errors", async () => {
    directory = await mkdtemp(join(tmpdir(), "baton-mcp-http-"));
    await writeFile(join(directory, "tides.txt"), "High tide at 06:12.");
    bridge = await bridgeStdioMcpServer({
      command: process.execPath,
      args: [serverPath, directory],
    });
    connected = await mcpTools({ url: bridge.mcpUrl });
    expect(connected.transport).toBe("streamable-http");
    expect(bridge.sessions).toHaveLength(1);
    expect(connected.server?.name).toMatch(/filesystem/);
    expect(Object.keys(connected.tools)).toEqual(
      expect.arrayContaining(["list_directory", "read_text_file"]),
    );
    const listing = await connected.tools.list_directory!.execute!({ path: directory }, options);
    expect(JSON.stringify(listing)).toContain("[FILE] tides.txt");
    await expect(
      Promise.resolve(connected.tools.read_text_file!.execute!({ path: "/etc/hostname" }, options)),
    ).rejects.toMatchObject({ name: "ToolError", code: "mcp-tool-error" });

    const model = scriptedModel(
      "alpha",
      toolCallReply([{ name: "read_text_file", input: { path: join(directory, "tides.txt") } }]),
      textReply("High tide is at 06:12."),
    );
    const pilot = agent({ name: "pilot", model, prices: testPrices, tools: connected.tools });
    const result = await pilot.run("When is high tide?");
    expect(JSON.stringify(result.toolCalls[0]?.output)).toContain("High tide at 06:12.");
    expect(bridge.sessions).toHaveLength(1); // every call went through the one session
  });
});
