import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sequentialIdGenerator } from "../../engine/index.js";
import { type BatonEvent, workflow } from "../../index.js";
import { SqliteStore } from "../../stores/sqlite/index.js";
import { ManualClock } from "../../testing/index.js";
import { calculator } from "../../tools/index.js";
import { flowchart, loadRunTrace, mermaid, Orchestrator, PLAN_TOOL, toolTrace } from "../index.js";
import { json, scripted, text, toolCall, usage } from "../test-support.js";

const prices = {
  "mock:main": { inputPerMillion: 10_000, outputPerMillion: 20_000 },
  "mock:designer": { inputPerMillion: 10_000, outputPerMillion: 20_000 },
  "mock:sub": { inputPerMillion: 5_000, outputPerMillion: 10_000 },
};

const plan = (analystTools: string[]) => ({
  agents: [
    {
      name: "analyst",
      instructions: "Compute.",
      tools: analystTools,
      tasks: [{ id: "compute", description: "Compute 6 * 7." }],
    },
    {
      name: "writer",
      instructions: "Write.",
      tools: [],
      tasks: [{ id: "write", description: "Say the result.", dependsOn: ["compute"] }],
    },
  ],
});

let directory: string;
let store: SqliteStore;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "baton-visualize-"));
  store = new SqliteStore({ path: join(directory, "runs.db") });
});

afterEach(async () => {
  await store.close();
  await rm(directory, { recursive: true, force: true });
});

/** An orchestrated run: a rejected plan, two planned subagents, a failed and a good tool call. */
async function orchestratedRun() {
  const team = new Orchestrator({
    mainAgent: {
      name: "lead",
      model: scripted(
        "main",
        toolCall(PLAN_TOOL, { goal: "Find 6 * 7." }, "c1", usage(100, 10)),
        text("It is 42.", usage(120, 8)),
      ),
    },
    designerModel: scripted(
      "designer",
      json(plan(["shell"]), usage(50, 30)),
      json(plan(["calculator"]), usage(60, 40)),
    ),
    subagentModel: scripted(
      "sub",
      toolCall("calculator", { expression: "6 *" }, "k1", usage(20, 4)),
      toolCall("calculator", { expression: "6 * 7" }, "k2", usage(30, 4)),
      text("42", usage(40, 2)),
      text("Six times seven is 42.", usage(24, 6)),
    ),
    availableTools: { calculator: calculator() },
    prices,
    store,
    clock: new ManualClock(0),
    ids: sequentialIdGenerator(),
  });
  const run = team.start("What is 6 * 7?");
  const events: BatonEvent[] = [];
  for await (const event of run.events) events.push(event);
  const result = await run.result;
  return { result, events };
}

describe("flowchart", () => {
  it("draws the orchestrator, planning, each subagent and its tools, and a summary, the same from a store or from events", async () => {
    const { result, events } = await orchestratedRun();
    const fromStore = await flowchart({ store, runId: result.runId });
    expect(await flowchart(events)).toBe(fromStore);
    expect(fromStore).toBe(
      [
        "+-----------------------------------------------+",
        "| ORCHESTRATOR orchestrator · run_1 · succeeded |",
        "| main agent: lead (mock:main)                  |",
        "| 2 model calls · 238 tokens · 256.0000¢        |",
        "| answer: It is 42.                             |",
        "+-----------------------------------------------+",
        "  |",
        '  `-- plan_and_create_subagents ✓ {"goal":"Find 6 * 7."}',
        "        |",
        "        v",
        "      +----------------------------------------------------------------------+",
        "      | PLANNING · run_2 · succeeded                                         |",
        "      | designer: designer (mock:designer)                                   |",
        "      | attempt 1: rejected (1 problem)                                      |",
        '      |   agents[0].tools[0]: "shell" is not an available tool (available: … |',
        "      | attempt 2: accepted · 2 subagents                                    |",
        "      | 180 tokens · 250.0000¢                                               |",
        "      +----------------------------------------------------------------------+",
        "        |",
        "        v",
        "      +--------------------------------+",
        "      | DELEGATION · run_3 · succeeded |",
        "      | 2 planned tasks                |",
        "      +--------------------------------+",
        "        |",
        "        |-- +------------------------------------------+",
        "        |   | compute · analyst · parallel             |",
        "        |   | tools given: calculator                  |",
        "        |   | tools called: calculator ✓, calculator ✗ |",
        "        |   | succeeded · 100 tokens · 55.0000¢        |",
        "        |   +------------------------------------------+",
        "        `-- +--------------------------------------------+",
        "            | write · writer · sequential, after compute |",
        "            | tools given: none                          |",
        "            | succeeded · 30 tokens · 18.0000¢           |",
        "            +--------------------------------------------+",
        "",
        "SUMMARY",
        "  subagents created: 2 (analyst, writer)",
        "  tool calls: 3 (2 ✓, 1 ✗)",
        "  execution modes: 1 delegation; tasks: 1 parallel, 1 sequential",
        "  total: 548 tokens · 579.0000¢",
      ].join("\n"),
    );
    expect(result.costBreakdown.totalCents).toBe(579);
  });

  it("draws a plain workflow run as its steps", async () => {
    const flow = workflow("report")
      .step("facts", async () => "f")
      .step("draft", async () => "d", { dependsOn: ["facts"] });
    const run = flow.start(undefined, { store, ids: sequentialIdGenerator() });
    await run.result;
    const chart = await flowchart({ store, runId: run.id });
    expect(chart).toContain("WORKFLOW report · run_1 · succeeded");
    expect(chart).toContain("| facts");
    expect(chart).toContain("tool calls: 0 (0 ✓, 0 ✗)");
  });

  it("checks its arguments", async () => {
    await expect(flowchart([], {})).rejects.toThrow(/expected at least one event/);
    await expect(flowchart({ store, runId: "nope" })).rejects.toThrow(/no run "nope"/);
    await expect(flowchart(42 as never)).rejects.toThrow(TypeError);
  });
});

describe("toolTrace", () => {
  it("nests each call under its agent and run with ✓/✗, abridged arguments, and a cost table", async () => {
    const { result, events } = await orchestratedRun();
    const trace = await toolTrace({ store, runId: result.runId });
    expect(await toolTrace(events)).toBe(trace);
    const lines = trace.split("\n");
    expect(lines[0]).toBe(
      "orchestrator orchestrator run_1 · succeeded · main agent lead · 238 tokens · 256.0000¢",
    );
    expect(lines[1]).toBe('└─ ✓ plan_and_create_subagents {"goal":"Find 6 * 7."} · 0 ms');
    expect(lines[2]).toBe(
      "   ├─ planning run_2 · designer · 2 attempts (1 rejected) · created analyst [calculator], writer [] · 180 tokens · 250.0000¢",
    );
    expect(lines[3]).toBe("   └─ delegation run_3 · succeeded · 2 tasks");
    expect(lines[4]).toBe("      ├─ ✓ task compute → analyst · 100 tokens · 55.0000¢");
    expect(lines[5]).toMatch(
      /^ {6}│ {2}├─ ✗ calculator \{"expression":"6 \*"\} · 0 ms · Expected a number/,
    );
    expect(lines[6]).toBe('      │  └─ ✓ calculator {"expression":"6 * 7"} · 0 ms');
    expect(lines[7]).toBe("      └─ ✓ task write → writer · 30 tokens · 18.0000¢");
    expect(trace).toContain("Tokens and cost per agent");
    expect(trace).toContain("lead      main                2    220      18    238  256.0000¢");
    expect(trace).toContain("designer  designer            2    110      70    180  250.0000¢");
    expect(trace).toContain("total                         8    444     104    548  579.0000¢");
  });

  it("abridges long arguments", async () => {
    const { events } = await orchestratedRun();
    const trace = await toolTrace(events, { argumentChars: 12 });
    expect(trace).toContain('plan_and_create_subagents {"goal":"Fi…');
    await expect(toolTrace(events, { argumentChars: 2 })).rejects.toThrow(/argumentChars/);
  });
});

describe("mermaid", () => {
  it("draws a workflow's graph", async () => {
    const flow = workflow("report")
      .step("facts", async () => "f")
      .step("draft", async () => "d", {
        dependsOn: ["facts"],
        loop: { until: () => true, maxIterations: 2 },
      });
    expect(await mermaid(flow)).toBe(
      [
        "flowchart TD",
        "  %% workflow report",
        '  s0("facts<br/>function")',
        '  s1("draft<br/>function · loop ≤ 2")',
        "  s0 --> s1",
      ].join("\n"),
    );
    expect(await mermaid(flow.graph(), { direction: "LR" })).toMatch(/^flowchart LR/);
  });

  it("draws an orchestrated run from its log: calls, planning, tasks with their dependencies and tools", async () => {
    const { result } = await orchestratedRun();
    const chart = await mermaid({ store, runId: result.runId });
    const lines = chart.split("\n");
    expect(lines[0]).toBe("flowchart TD");
    expect(chart).toContain('m1["lead (main agent)<br/>run_1 · succeeded"]');
    expect(chart).toMatch(/c2\{\{"plan_and_create_subagents ✓<br\/>/);
    expect(chart).toContain(
      'p3[/"planning run_2<br/>2 attempts, 1 rejected<br/>created: analyst, writer"/]',
    );
    expect(chart).toContain('subgraph d4["delegation run_3"]');
    expect(chart).toContain('t5["compute · analyst ✓"]');
    expect(chart).toContain('x6(["calculator ✓ ×1 ✗ ×1"])');
    expect(chart).toContain('t7["write · writer ✓"]');
    expect(chart).toContain("t5 --> t7");
    expect(chart).toContain("p3 --> d4");
  });
});

describe("loadRunTrace", () => {
  it("reads a run and its child runs into a tree", async () => {
    const { result } = await orchestratedRun();
    const trace = await loadRunTrace({ store, runId: result.runId });
    expect(trace.state.workflow).toBe("orchestrator");
    expect(trace.children.map((child) => child.state.workflow)).toEqual(["planning", "delegation"]);
    expect(trace.children.every((child) => child.parentRunId === result.runId)).toBe(true);
  });
});
