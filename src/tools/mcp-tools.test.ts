import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MockLanguageModelV4 } from "ai/test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agent } from "../index.js";
import { type McpToolSet, mcpTools } from "./mcp-tools.js";

// A real MCP server (the filesystem server package) over stdio, run on this Node.
const serverPath = createRequire(import.meta.url).resolve(
  "@modelcontextprotocol/server-filesystem/dist/index.js",
);

let directory: string;
let server: McpToolSet | undefined;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "baton-mcp-"));
  await writeFile(join(directory, "tides.txt"), "High tide at 06:12.");
  await writeFile(join(directory, "moon.txt"), "Full moon on Friday.");
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(directory, { recursive: true, force: true });
});

const options = { toolCallId: "m1", messages: [], context: undefined as never };

describe("mcpTools", () => {
  it("lists a real MCP server's tools and calls them", async () => {
    server = await mcpTools({ command: process.execPath, args: [serverPath, directory] });
    expect(server.server?.name).toBeTruthy();
    expect(Object.keys(server.tools)).toEqual(
      expect.arrayContaining(["list_directory", "read_text_file"]),
    );
    const listing = await server.tools.list_directory!.execute!({ path: directory }, options);
    expect(JSON.stringify(listing)).toContain("[FILE] tides.txt");
    expect(JSON.stringify(listing)).toContain("[FILE] moon.txt");
    const file = await server.tools.read_text_file!.execute!(
      { path: join(directory, "tides.txt") },
      options,
    );
    expect(JSON.stringify(file)).toContain("High tide at 06:12.");
  });

  it("turns the server's isError answer into a ToolError", async () => {
    server = await mcpTools({
      command: process.execPath,
      args: [serverPath, directory],
      prefix: "fs_",
    });
    expect(Object.keys(server.tools).every((name) => name.startsWith("fs_"))).toBe(true);
    await expect(
      Promise.resolve(server.tools.fs_read_text_file!.execute!({ path: "/etc/hostname" }, options)),
    ).rejects.toMatchObject({
      name: "ToolError",
      code: "mcp-tool-error",
      tool: "fs_read_text_file",
      message: expect.stringMatching(/denied|outside/i),
    });
  });

  it("gives an agent the server's tools: the model's tool call reaches the server", async () => {
    server = await mcpTools({ command: process.execPath, args: [serverPath, directory] });
    let call = 0;
    const model = new MockLanguageModelV4({
      modelId: "librarian",
      doGenerate: async () =>
        call++ === 0
          ? {
              content: [
                {
                  type: "tool-call",
                  toolCallId: "c1",
                  toolName: "list_directory",
                  input: JSON.stringify({ path: directory }),
                },
              ],
              finishReason: { unified: "tool-calls", raw: "tool_calls" },
              usage: {
                inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 },
                outputTokens: { total: 2, text: 2, reasoning: 0 },
              },
              warnings: [],
            }
          : {
              content: [{ type: "text", text: "Two files." }],
              finishReason: { unified: "stop", raw: "stop" },
              usage: {
                inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 },
                outputTokens: { total: 2, text: 2, reasoning: 0 },
              },
              warnings: [],
            },
    });
    const librarian = agent({
      name: "librarian",
      model,
      tools: server.tools,
      prices: { "mock-provider:librarian": { inputPerMillion: 0, outputPerMillion: 0 } },
    });
    const result = await librarian.run("What is in the folder?");
    expect(result.text).toBe("Two files.");
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]?.tool).toBe("list_directory");
    expect(result.toolCalls[0]?.error).toBeUndefined();
    expect(JSON.stringify(result.toolCalls[0]?.output)).toContain("tides.txt");
  });

  it("fails to connect to a server that does not start, and checks its options", async () => {
    await expect(mcpTools({ command: join(directory, "no-such-program") })).rejects.toThrow();
    await expect(mcpTools({ command: "", args: "a", timeoutM: 5 } as never)).rejects.toThrow(
      [
        "Invalid options for mcpTools() (3 problems):",
        '  command: expected the program that runs the server, e.g. npx, received ""',
        '  args: expected a list of strings, received "a"',
        '  timeoutM: unknown option "timeoutM" (did you mean "timeoutMs"?)',
      ].join("\n"),
    );
  });
});
