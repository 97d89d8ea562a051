import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { sequentialIdGenerator } from "../../engine/index.js";
import { parseSpec, SpecError, specKindOf } from "../../spec/index.js";
import { buildOrchestrator } from "../index.js";

const serverPath = createRequire(import.meta.url).resolve(
  "@modelcontextprotocol/server-filesystem/dist/index.js",
);

function issuesOf(run: () => unknown): Array<{ path: string; message: string; line?: number }> {
  try {
    run();
  } catch (error) {
    if (SpecError.isInstance(error))
      return error.issues.map(({ path, message, line }) => ({
        path,
        message,
        ...(line ? { line } : {}),
      }));
    throw error;
  }
  throw new Error("expected a SpecError");
}

const fullSpec = `
version: 1
kind: orchestrator
name: support
mainAgent:
  name: router
  model: simulated:router
  instructions: Route each question to the right specialist.
agents:
  billing:
    description: Invoices, refunds and payments
    instructions: Answer billing questions.
    tools: [calculator]
    memory: { tokenThreshold: 4000 }
  shipping:
    model: simulated:shipping
    instructions: Answer shipping questions.
tools:
  calculator: true
  read_kb: { type: read_file, root: ./kb }
  http_fetch: { allowHosts: [status.example.com], timeoutMs: 5000 }
availableTools: [calculator, read_kb, http_fetch]
designerModel: simulated:designer
subagentModel: simulated:worker
maxParallelTasks: 3
maxPlanAttempts: 2
retry: { maxAttempts: 2, initialDelayMs: 10 }
budget: { maxCents: 25 }
task: Where is my parcel?
`;

describe("orchestrator specs", () => {
  it("parse with the workflow specs' parser: one format, kind: orchestrator", () => {
    const spec = parseSpec(fullSpec, { source: "support.yaml", kind: "orchestrator" });
    expect(specKindOf(spec)).toBe("orchestrator");
    expect(spec).toMatchObject({
      kind: "orchestrator",
      name: "support",
      mainAgent: { name: "router", model: "simulated:router" },
      agents: { billing: { tools: ["calculator"], memory: { tokenThreshold: 4000 } } },
      tools: {
        calculator: { type: "calculator" },
        read_kb: { type: "read_file", root: "./kb" },
        http_fetch: { type: "http_fetch", allowHosts: ["status.example.com"] },
      },
      availableTools: ["calculator", "read_kb", "http_fetch"],
      maxParallelTasks: 3,
      task: "Where is my parcel?",
    });
    const json = parseSpec(
      JSON.stringify({ kind: "orchestrator", mainAgent: { model: "simulated:a" } }),
    );
    expect(json.kind === "orchestrator" && json.mainAgent.model).toBe("simulated:a");
    expect(specKindOf({ name: "x", steps: [] })).toBe("workflow");
  });

  it("names every problem by its path and line", () => {
    const issues = issuesOf(() =>
      parseSpec(
        [
          "kind: orchestrator",
          "mainAgent:",
          "  model: gpt-4o",
          "  temprature: 0.2",
          "tools:",
          "  http_fetch: true",
          "  files: { type: read_file }",
          "  shell: { command: rm }",
          "maxParallelTasks: 0",
        ].join("\n"),
        { source: "bad.yaml" },
      ),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: "mainAgent.model",
          message: 'expected a model string "provider:model-id", received "gpt-4o"',
          line: 3,
        },
        {
          path: "mainAgent.temprature",
          message: expect.stringMatching(/^unknown key "temprature" \(known: name, model, /),
          line: 4,
        },
        {
          path: "tools.http_fetch.allowHosts",
          message: expect.stringMatching(/required/),
          line: 6,
        },
        { path: "tools.files.root", message: expect.stringMatching(/required/), line: 7 },
        {
          path: "tools.shell",
          message: expect.stringContaining('the name "shell" is not a tool type'),
          line: 8,
        },
        { path: "maxParallelTasks", message: "expected an integer >= 1, received 0", line: 9 },
      ]),
    );
    expect(issues).toHaveLength(6);
  });

  it("checks names across the spec: agents, tools, and tools the registry must provide", () => {
    const issues = issuesOf(() =>
      parseSpec(
        JSON.stringify({
          kind: "orchestrator",
          mainAgent: { model: "simulated:a", tools: ["calculater"] },
          agents: { main: { instructions: "x" }, helper: { tools: ["search", "calculator"] } },
          tools: { calculator: true },
          availableTools: ["calculator", "web_search"],
        }),
        { tools: ["search"] },
      ),
    );
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'mainAgent.tools[0]: unknown tool "calculater" (did you mean "calculator"? known: calculator, search)',
      'agents.main: "main" is the main agent\'s name; pick another',
      'availableTools[1]: unknown tool "web_search" (known: calculator, search)',
    ]);
  });

  it("tells the kinds apart: each builder takes its own kind", async () => {
    expect(
      issuesOf(() => parseSpec("kind: team\nmainAgent: { model: simulated:a }")).map(
        (issue) => issue.path,
      ),
    ).toContain("kind");
    expect(
      issuesOf(() =>
        parseSpec("kind: orchestrator\nmainAgent: { model: simulated:a }", { kind: "workflow" }),
      ),
    ).toEqual([
      {
        path: "kind",
        message:
          "expected a workflow spec, but this is an orchestrator spec (build it with buildOrchestrator)",
        line: 1,
      },
    ]);
    const workflowSpec = {
      name: "w",
      agents: { a: { model: "simulated:a" } },
      steps: [{ id: "s", agent: "a" }],
    };
    const error = await buildOrchestrator(workflowSpec).catch((thrown: unknown) => thrown);
    expect((error as SpecError).issues[0]?.message).toMatch(/build it with buildWorkflow/);
  });
});

describe("buildOrchestrator", () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "baton-orchestrator-spec-"));
    await writeFile(join(directory, "hello.txt"), "hello from the knowledge base");
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("builds the tools, subagents and main agent a spec describes, and runs it offline", async () => {
    const lookup = tool({
      description: "Looks up an order.",
      inputSchema: z.object({ order: z.string() }),
      execute: async ({ order }) => ({ order, status: "shipped" }),
    });
    const spec = parseSpec(
      fullSpec.replace("tools: [calculator]", "tools: [calculator, lookup]").replace("./kb", "."),
      { tools: ["lookup"] },
    );
    const built = await buildOrchestrator(spec, {
      tools: { lookup },
      baseDir: directory,
      ids: sequentialIdGenerator(),
    });
    try {
      expect(built.task).toBe("Where is my parcel?");
      expect(built.orchestrator.name).toBe("support");
      expect(built.orchestrator.subagents).toEqual(["billing", "shipping"]);
      expect(built.orchestrator.availableTools).toEqual(["calculator", "read_kb", "http_fetch"]);
      const result = await built.orchestrator.process(built.task!);
      expect(result.content).toMatch(/^\[simulated:router\]/);
      expect(result.toolOutputs[0]?.agent).toBe("router");
    } finally {
      await built.close();
    }
  });

  it("starts the MCP servers a spec lists and offers their tools", async () => {
    const built = await buildOrchestrator(
      {
        kind: "orchestrator",
        mainAgent: { model: "simulated:a" },
        tools: {
          files: {
            type: "mcp",
            command: process.execPath,
            args: [serverPath, directory],
            prefix: "fs_",
          },
        },
        availableTools: ["fs_list_directory", "fs_read_text_file"],
      },
      { baseDir: directory },
    );
    expect(built.orchestrator.availableTools).toEqual(["fs_list_directory", "fs_read_text_file"]);
    await built.close();
  });

  it("lists every problem at once: missing keys, servers that do not start, unknown tools", async () => {
    const error = await buildOrchestrator(
      {
        kind: "orchestrator",
        mainAgent: { model: "openai:gpt-4o" },
        designerModel: "anthropic:claude-sonnet-4-5",
        tools: { search: { type: "mcp", command: join(directory, "no-such-server") } },
      },
      { env: {}, baseDir: directory },
    ).catch((thrown: unknown) => thrown);
    expect(SpecError.isInstance(error)).toBe(true);
    expect((error as SpecError).issues.map((issue) => issue.path)).toEqual(["tools.search"]);
    const keys = await buildOrchestrator(
      {
        kind: "orchestrator",
        mainAgent: { model: "openai:gpt-4o" },
        designerModel: "anthropic:claude-sonnet-4-5",
      },
      { env: {} },
    ).catch((thrown: unknown) => thrown as SpecError);
    expect((keys as SpecError).issues.map((issue) => issue.path)).toEqual([
      "mainAgent.model",
      "designerModel",
    ]);
    expect((keys as SpecError).message).toMatch(/OPENAI_API_KEY/);
    const tools = await buildOrchestrator(
      {
        kind: "orchestrator",
        mainAgent: { model: "simulated:a" },
        agents: { helper: { tools: ["nothing"] } },
      },
      {},
    ).catch((thrown: unknown) => thrown as SpecError);
    expect((tools as SpecError).issues[0]).toMatchObject({
      path: "agents.helper.tools[0]",
      message: expect.stringContaining('unknown tool "nothing"'),
    });
  });
});
