import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../src/testing/index.js";
import { runBaton, tempWorkspace } from "./cli-harness.js";

let server: FakeOpenAIServer;
let workspace: Awaited<ReturnType<typeof tempWorkspace>>;

beforeEach(async () => {
  server = await startFakeOpenAIServer();
  workspace = await tempWorkspace();
});
afterEach(async () => {
  await server.close();
  await workspace.remove();
});

/** The tool results the agent sent back to the model, from the fake server's requests. */
function toolMessages(requestIndex: number): Array<{ content?: unknown }> {
  return (server.requests[requestIndex]?.body?.messages ?? []).filter(
    (message) => message.role === "tool",
  );
}

describe("baton run: tools from the spec's tools section", { timeout: 90_000 }, () => {
  it("gives an agent the built-in calculator and reads files under a root", async () => {
    await mkdir(join(workspace.dir, "notes"));
    await writeFile(join(workspace.dir, "notes", "plan.txt"), "Budget: 1200 per month.");
    const spec = await workspace.write(
      "tooled.yaml",
      `name: tooled
providers: { fake: { type: openai-compatible, baseURL: ${server.baseURL} } }
tools:
  calculator: true
  notes: { type: read_file, root: ./notes }
agents:
  analyst: { model: fake:m, tools: [calculator, notes], maxSteps: 4 }
steps: [{ id: yearly, agent: analyst, input: What is the yearly budget? }]
`,
    );
    server.enqueue(
      { toolCalls: [{ name: "notes", arguments: { path: "plan.txt" } }] },
      { toolCalls: [{ name: "calculator", arguments: { expression: "1200 * 12" } }] },
      { text: "The yearly budget is 14400." },
    );

    const { code, stdout, stderr } = await runBaton(["run", spec, "--json"], {
      cwd: workspace.dir,
    });

    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      status: "succeeded",
      output: "The yearly budget is 14400.",
      cost: { byTool: { notes: { calls: 1 }, calculator: { calls: 1 } } },
    });
    const tools = server.requests[0]?.body?.tools?.map((tool) => tool.function.name).sort();
    expect(tools).toEqual(["calculator", "notes"]);
    expect(JSON.stringify(toolMessages(1))).toContain("Budget: 1200 per month.");
    expect(JSON.stringify(toolMessages(2))).toContain("14400");
  });

  it("calls a tool of a real MCP server (the filesystem server over stdio)", async () => {
    await mkdir(join(workspace.dir, "data"));
    const file = join(workspace.dir, "data", "facts.txt");
    await writeFile(file, "The Eiffel Tower is 330 metres tall.");
    const spec = await workspace.write(
      "mcp.yaml",
      `name: mcp-reader
providers: { fake: { type: openai-compatible, baseURL: ${server.baseURL} } }
tools:
  files: { type: mcp, command: mcp-server-filesystem, args: [./data], prefix: fs_ }
agents:
  reader: { model: fake:m, tools: [fs_read_text_file], maxSteps: 3 }
steps: [{ id: read, agent: reader, input: How tall is the Eiffel Tower? }]
`,
    );
    server.enqueue(
      { toolCalls: [{ name: "fs_read_text_file", arguments: { path: file } }] },
      { text: "330 metres." },
    );

    const { code, stdout, stderr } = await runBaton(["run", spec], { cwd: workspace.dir });

    expect(code, stderr).toBe(0);
    // Only the tool the agent lists is offered to the model.
    expect(server.requests[0]?.body?.tools?.map((tool) => tool.function.name)).toEqual([
      "fs_read_text_file",
    ]);
    expect(JSON.stringify(toolMessages(1))).toContain("The Eiffel Tower is 330 metres tall.");
    expect(stdout).toMatch(/✓ fs_read_text_file \{"path":".*facts\.txt"\} → .*330 metres tall/);
  });

  it("exits 2 naming a bad tools entry, and a tool an agent lists that no entry gives", async () => {
    await workspace.write(
      "bad-tools.yaml",
      `name: bad-tools
tools:
  web: { type: http_fetch }
  clock: true
agents:
  a: { model: simulated:a, tools: [calculator] }
steps: [{ id: s, agent: a }]
`,
    );
    const { code, stderr } = await runBaton(["run", "bad-tools.yaml"], { cwd: workspace.dir });
    expect(code).toBe(2);
    expect(stderr).toContain("Invalid spec bad-tools.yaml (3 problems)");
    expect(stderr).toContain("tools.web.allowHosts");
    expect(stderr).toContain(
      'tools.clock (line 4, column 10): expected type to be one of calculator, http_fetch, read_file, mcp (the name "clock" is not a tool type, so say which)',
    );
    // All at once: the agent's tool is not in the section either.
    expect(stderr).toMatch(
      /agents\.a\.tools\[0\] \(line 6, column \d+\): unknown tool "calculator"/,
    );

    await workspace.write(
      "unknown-tool.yaml",
      `name: unknown-tool
tools: { calculator: true }
agents:
  a: { model: simulated:a, tools: [calculater] }
steps: [{ id: s, agent: a }]
`,
    );
    const unknown = await runBaton(["run", "unknown-tool.yaml"], { cwd: workspace.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/agents\.a\.tools\[0\] \(line 4, column \d+\): .*calculater/);
  });

  it("exits 2 when an MCP server does not start", async () => {
    await workspace.write(
      "no-server.yaml",
      `name: no-server
tools: { files: { type: mcp, command: ${join(workspace.dir, "no-such-server")} } }
agents: { a: { model: simulated:a } }
steps: [{ id: s, agent: a }]
`,
    );
    const { code, stderr } = await runBaton(["run", "no-server.yaml"], { cwd: workspace.dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(/tools\.files: the MCP server ".*no-such-server" did not start/);
  });
});
