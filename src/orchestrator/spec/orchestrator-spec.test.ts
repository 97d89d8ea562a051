import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { sequentialIdGenerator } from "../../engine/index.js";
import { SpecError } from "../../spec/index.js";
import { buildOrchestrator, isOrchestratorSpec, parseOrchestratorSpec } from "../index.js";

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
subagents:
  billing:
    description: Invoices, refunds and payments
    instructions: Answer billing questions.
    tools: [calculator]
    memory: { tokenThreshold: 4000 }
  shipping:
    model: simulated:shipping
    instructions: Answer shipping questions.
availableTools:
  - calculator
  - read_file: { root: ./kb, name: read_kb }
  - http_fetch: { allowHosts: [status.example.com], timeoutMs: 5000 }
designerModel: simulated:designer
subagentModel: simulated:worker
maxParallelTasks: 3
maxPlanAttempts: 2
retry: { maxAttempts: 2, initialDelayMs: 10 }
budget: { maxCents: 25 }
task: Where is my parcel?
`;

describe("parseOrchestratorSpec", () => {
  it("parses a YAML spec", () => {
    const spec = parseOrchestratorSpec(fullSpec, { source: "support.yaml" });
    expect(isOrchestratorSpec(spec)).toBe(true);
    expect(spec).toMatchObject({
      kind: "orchestrator",
      name: "support",
      mainAgent: { name: "router", model: "simulated:router" },
      subagents: { billing: { tools: ["calculator"], memory: { tokenThreshold: 4000 } } },
      availableTools: [
        "calculator",
        { read_file: { root: "./kb", name: "read_kb" } },
        { http_fetch: { allowHosts: ["status.example.com"] } },
      ],
      maxParallelTasks: 3,
      task: "Where is my parcel?",
    });
    const json = parseOrchestratorSpec(
      JSON.stringify({ kind: "orchestrator", mainAgent: { model: "simulated:a" } }),
    );
    expect(json.mainAgent.model).toBe("simulated:a");
    expect(isOrchestratorSpec({ name: "x", steps: [] })).toBe(false);
  });

  it("names every problem by its path and line", () => {
    const issues = issuesOf(() =>
      parseOrchestratorSpec(
        [
          "kind: orchestrator",
          "mainAgent:",
          "  model: gpt-4o",
          "  temperature: 0.2",
          "availableTools:",
          "  - http_fetch",
          "  - read_file: {}",
          "  - shell: { command: rm }",
          "maxParallelTasks: 0",
        ].join("\n"),
        { source: "bad.yaml" },
      ),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: "mainAgent.model",
          message: 'expected a model string "provider:model-id"',
          line: 3,
        },
        { path: "mainAgent", message: 'unknown field "temperature"', line: 3 },
        {
          path: "availableTools[0]",
          message: 'http_fetch needs options: write "http_fetch: { allowHosts: [...] }"',
          line: 6,
        },
        {
          path: "availableTools[1].read_file.root",
          message: expect.stringMatching(/expected/),
          line: 7,
        },
        {
          path: "availableTools[2]",
          message: expect.stringContaining("received keys shell"),
          line: 8,
        },
        { path: "maxParallelTasks", message: "expected an integer >= 1", line: 9 },
      ]),
    );
    expect(issues).toHaveLength(6);
  });

  it("checks names across the spec: agents, tools, and tools the registry must provide", () => {
    const issues = issuesOf(() =>
      parseOrchestratorSpec(
        JSON.stringify({
          kind: "orchestrator",
          mainAgent: { model: "simulated:a" },
          subagents: { main: { instructions: "x" }, helper: { tools: ["search", "calculator"] } },
          availableTools: ["calculator", { calculator: { name: "calculator" } }, "web_search"],
        }),
        { tools: ["search"] },
      ),
    );
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'availableTools[1]: the tool name "calculator" is already used by availableTools[0]; give one a different name',
      'availableTools[2]: unknown tool "web_search" (built in: calculator, http_fetch, read_file, mcp; registry: search)',
      'subagents.main: "main" is the main agent\'s name; pick another',
    ]);
  });

  it("reports invalid YAML and JSON, and wrong kinds", () => {
    expect(
      issuesOf(() => parseOrchestratorSpec("kind: [", { format: "yaml" }))[0]?.message,
    ).toMatch(/invalid YAML/);
    expect(
      issuesOf(() => parseOrchestratorSpec("{ nope", { source: "x.json" }))[0]?.message,
    ).toMatch(/invalid JSON/);
    expect(
      issuesOf(() => parseOrchestratorSpec("kind: workflow\nmainAgent: { model: simulated:a }")),
    ).toEqual([{ path: "kind", message: 'expected "orchestrator"', line: 1 }]);
    expect(() => parseOrchestratorSpec(42 as never)).toThrow(TypeError);
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
    const spec = parseOrchestratorSpec(
      fullSpec.replace("tools: [calculator]", "tools: [calculator, lookup]").replace("./kb", "."),
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
        availableTools: [
          { mcp: { command: process.execPath, args: [serverPath, directory], prefix: "fs_" } },
        ],
      },
      { baseDir: directory },
    );
    expect(built.orchestrator.availableTools).toEqual(
      expect.arrayContaining(["fs_list_directory", "fs_read_text_file"]),
    );
    await built.close();
  });

  it("lists every problem at once: missing keys, servers that do not start, unknown tools", async () => {
    const error = await buildOrchestrator(
      {
        kind: "orchestrator",
        mainAgent: { model: "openai:gpt-4o" },
        designerModel: "anthropic:claude-sonnet-4-5",
        availableTools: [{ mcp: { command: join(directory, "no-such-server") } }],
      },
      { env: {}, baseDir: directory },
    ).catch((thrown: unknown) => thrown);
    expect(SpecError.isInstance(error)).toBe(true);
    expect((error as SpecError).issues.map((issue) => issue.path)).toEqual([
      "availableTools[0].mcp",
    ]);
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
        subagents: { helper: { tools: ["nothing"] } },
      },
      {},
    ).catch((thrown: unknown) => thrown as SpecError);
    expect((tools as SpecError).issues[0]).toMatchObject({
      path: "subagents.helper.tools[0]",
      message: expect.stringContaining('unknown tool "nothing"'),
    });
  });
});
