import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Tool, tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { sequentialIdGenerator } from "../engine/index.js";
import type { BatonEvent } from "../index.js";
import { SqliteStore } from "../stores/sqlite/index.js";
import { ManualClock } from "../testing/index.js";
import { calculator } from "../tools/index.js";
import {
  flowchart,
  loadRunTrace,
  mermaid,
  runReport,
  runSummary,
  toolTrace,
} from "../views/index.js";
import { Orchestrator, PLAN_TOOL } from "./index.js";
import { json, type Reply, scripted, text, toolCall, usage } from "./test-support.js";

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

/** An orchestrator on scripted models whose main agent asks for a plan of `goal`, then answers. */
function planningTeam(
  { goal, answer }: { goal: string; answer: string },
  designer: Reply[],
  subagents: Reply[],
  availableTools: Record<string, Tool>,
) {
  return new Orchestrator({
    mainAgent: {
      name: "lead",
      model: scripted(
        "main",
        toolCall(PLAN_TOOL, { goal }, "c1", usage(100, 10)),
        text(answer, usage(120, 8)),
      ),
    },
    designerModel: scripted("designer", ...designer),
    subagentModel: scripted("sub", ...subagents),
    availableTools,
    prices,
    store,
    clock: new ManualClock(0),
    ids: sequentialIdGenerator(),
  });
}

/** An orchestrated run: a rejected plan, two planned subagents, a failed and a good tool call. */
async function orchestratedRun() {
  const team = planningTeam(
    { goal: "Find 6 * 7.", answer: "It is 42." },
    [json(plan(["shell"]), usage(50, 30)), json(plan(["calculator"]), usage(60, 40))],
    [
      toolCall("calculator", { expression: "6 *" }, "k1", usage(20, 4)),
      toolCall("calculator", { expression: "6 * 7" }, "k2", usage(30, 4)),
      text("42", usage(40, 2)),
      text("Six times seven is 42.", usage(24, 6)),
    ],
    { calculator: calculator() },
  );
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
        "      | PLANNING · run_1/main/c1.planning · succeeded                        |",
        "      | designer: designer (mock:designer)                                   |",
        "      | attempt 1: rejected (1 problem)                                      |",
        '      |   agents[0].tools[0]: "shell" is not an available tool (available: … |',
        "      | attempt 2: accepted · 2 subagents                                    |",
        "      | 180 tokens · 250.0000¢                                               |",
        "      +----------------------------------------------------------------------+",
        "        |",
        "        v",
        "      +---------------------------------------------------+",
        "      | DELEGATION · run_1/main/c1.delegation · succeeded |",
        "      | 2 planned tasks · 130 tokens · 73.0000¢           |",
        "      +---------------------------------------------------+",
        "        |",
        "        |-- +----------------------------------------------------+",
        "        |   | compute · analyst · parallel                       |",
        "        |   | tools given: calculator                            |",
        "        |   | tools called: calculator ✓, calculator ✗           |",
        "        |   | succeeded · mock:sub · 0ms · 100 tokens · 55.0000¢ |",
        "        |   +----------------------------------------------------+",
        "        `-- +---------------------------------------------------+",
        "            | write · writer · sequential, after compute        |",
        "            | tools given: none                                 |",
        "            | succeeded · mock:sub · 0ms · 30 tokens · 18.0000¢ |",
        "            +---------------------------------------------------+",
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
    expect(lines[1]).toBe(
      '└─ ✓ plan_and_create_subagents {"goal":"Find 6 * 7."} → {"planRunId":"run_1/main/c1.planning","subagents":[{"name":… · 0ms',
    );
    expect(lines[2]).toBe(
      "   ├─ planning run_1/main/c1.planning · designer · 2 attempts (1 rejected) · created analyst [calculator], writer [] · 180 tokens · 250.0000¢",
    );
    expect(lines[3]).toBe(
      "   └─ delegation run_1/main/c1.delegation · succeeded · 2 tasks · 130 tokens · 73.0000¢",
    );
    expect(lines[4]).toBe(
      "      ├─ ✓ task compute → analyst (mock:sub) · 0ms · 100 tokens · 55.0000¢",
    );
    expect(lines[5]).toMatch(
      /^ {6}│ {2}├─ ✗ calculator \{"expression":"6 \*"\} · 0ms · Expected a number/,
    );
    expect(lines[6]).toBe(
      '      │  └─ ✓ calculator {"expression":"6 * 7"} → {"expression":"6 * 7","result":42} · 0ms',
    );
    expect(lines[7]).toBe("      └─ ✓ task write → writer (mock:sub) · 0ms · 30 tokens · 18.0000¢");
    expect(trace).toContain("Tokens and cost per agent");
    expect(trace).toContain(
      "lead      main                2           1    220      18    238  256.0000¢",
    );
    expect(trace).toContain(
      "designer  designer            2           0    110      70    180  250.0000¢",
    );
    expect(trace).toContain(
      "total                         8           3    444     104    548  579.0000¢",
    );
  });

  it("abridges long arguments", async () => {
    const { events } = await orchestratedRun();
    const trace = await toolTrace(events, { argumentChars: 12 });
    expect(trace).toContain('plan_and_create_subagents {"goal":"Fi…');
    await expect(toolTrace(events, { argumentChars: 2 })).rejects.toThrow(/argumentChars/);
  });
});

describe("mermaid", () => {
  it("draws an orchestrated run from its log: calls, planning, tasks with their dependencies and tools", async () => {
    const { result } = await orchestratedRun();
    const chart = await mermaid({ store, runId: result.runId });
    const lines = chart.split("\n");
    expect(lines[0]).toBe("flowchart TD");
    expect(chart).toContain('m1["lead (main agent)<br/>run_1 · succeeded"]');
    expect(chart).toMatch(/c2\{\{"plan_and_create_subagents ✓<br\/>/);
    expect(chart).toContain(
      'p3[/"planning run_1/main/c1.planning<br/>2 attempts, 1 rejected<br/>created: analyst, writer"/]',
    );
    expect(chart).toContain('subgraph d4["delegation run_1/main/c1.delegation"]');
    expect(chart).toContain('t5["compute · analyst ✓<br/>mock:sub"]');
    expect(chart).toContain('x6(["calculator ✓ ×1 ✗ ×1"])');
    expect(chart).toContain('t7["write · writer ✓<br/>mock:sub"]');
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

describe("every total of an orchestrated run", () => {
  it("counts what tools reported with the model calls, to the cent", async () => {
    // A subagent's tool bills 0.2¢ per call; the models bill 256 + 110 + 36 = 402¢.
    const lookup = tool({
      description: "Looks a term up.",
      inputSchema: z.object({ term: z.string() }),
      execute: async () => ({ found: true, costInCents: 0.2 }),
    });
    const finder = {
      name: "finder",
      instructions: "Look terms up.",
      tools: ["lookup"],
      tasks: [{ id: "find", description: "Look up tides." }],
    };
    const team = planningTeam(
      { goal: "Look it up.", answer: "Found." },
      [json({ agents: [finder] }, usage(50, 30))],
      [
        toolCall("lookup", { term: "tides" }, "k1", usage(20, 4)),
        text("Tides are found.", usage(40, 2)),
      ],
      { lookup },
    );
    const result = await team.process("Look up tides.");
    expect(result.costBreakdown.totalCents).toBeCloseTo(402.2, 10);
    const source = await loadRunTrace({ store, runId: result.runId });

    const report = await runReport(source);
    expect(report.cost).toMatchObject({ modelCents: 402, toolCents: 0.2 });
    expect(report.cost.totalCents).toBeCloseTo(402.2, 10);
    expect(report.cost.byTool.lookup).toEqual({ calls: 1, failedCalls: 0, cents: 0.2 });
    expect(report.cost.byAgent.finder).toMatchObject({ role: "subagent", toolCents: 0.2 });

    const chart = await flowchart(source);
    expect(chart).toMatch(/\| 1 planned task · 66 tokens · 36\.2000¢ +\|/);
    expect(chart).toContain("| succeeded · mock:sub · 0ms · 66 tokens · 36.2000¢ |");
    expect(chart).toContain("  total: 384 tokens · 402.2000¢");

    const trace = await toolTrace(source);
    expect(trace).toContain(
      '         └─ ✓ lookup {"term":"tides"} → {"found":true} · 0ms · 0.2000¢',
    );
    expect(trace).toContain(
      "finder    subagent            2           1     60       6     66   36.2000¢",
    );
    expect(trace).toContain(
      "total                         5           2    330      54    384  402.2000¢",
    );

    const summary = await runSummary(source);
    expect(summary).toContain(
      "Cost: 366.0000¢ planning + 36.0000¢ subagents + 0.2000¢ tools = 402.2000¢",
    );
    expect(summary).toMatch(/^total +succeeded +330 +54 +0ms +402\.2000¢$/m);
  });
});
