import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { providerUsage, scriptedModel, textReply, toolCallReply } from "../agents/test-support.js";
import { OptionsError } from "../core/errors/options-error.js";
import { sequentialIdGenerator } from "../core/ports/id-generator.js";
import { disagreements } from "../core/test-support/rule-agreement.js";
import { agent, workflow } from "../index.js";
import { MemoryStore } from "../stores/memory/index.js";
import { ManualClock } from "../testing/index.js";
import {
  costTable,
  flowchart,
  loadRunTrace,
  mermaid,
  runReport,
  runSummary,
  toolTrace,
  usageTable,
} from "./index.js";
import {
  flowchartOptionsRule,
  mermaidOptionsRule,
  traceOptionsRule,
} from "./view-options-rules.js";

const PRICE = { inputPerMillion: 10_000, outputPerMillion: 20_000 };

/** A tool that bills a quarter of a cent per call, as a paid search API would. */
const lookup = tool({
  description: "Looks a term up.",
  inputSchema: z.object({ term: z.string() }),
  execute: async ({ term }) => ({ term, found: true, costInCents: 0.25 }),
});

/** An agent that looks `term` up once (120¢ + 0.25¢), then answers `answer` (136¢). */
function researcher(term: string, answer: string) {
  return agent({
    name: "researcher",
    model: scriptedModel(
      "researcher",
      toolCallReply([{ name: "lookup", input: { term }, id: "k1" }], providerUsage(100, 10)),
      textReply(answer, providerUsage(120, 8)),
    ),
    tools: { lookup },
    prices: { "mock:researcher": PRICE },
  });
}

/**
 * A spec-like run: `research` (an agent that calls the paid tool once: 120¢ + 136¢ for
 * its two model calls, 0.25¢ for the tool), then `words` (a function step).
 */
async function researchRun() {
  const store = new MemoryStore();
  const flow = workflow<string>("brief")
    .step("research", researcher("tides", "Tides rise twice a day."), {
      input: ({ input }) => input,
    })
    .step("words", async ({ results }) => results.research.text.split(" ").length, {
      dependsOn: ["research"],
    });
  const run = flow.start("Tides", {
    store,
    clock: new ManualClock(0),
    ids: sequentialIdGenerator(),
    // As `baton run` records a spec: the views read the steps' dependencies from it.
    definition: {
      kind: "spec",
      spec: { steps: [{ id: "research" }, { id: "words", dependsOn: "research" }] },
    },
  });
  const result = await run.result;
  return { store, result, source: { store, runId: run.id } };
}

describe("Views of a workflow run", () => {
  it("count what tools reported in every total, to the cent", async () => {
    const { result, source } = await researchRun();
    expect(result.cost).toMatchObject({ modelCents: 256, toolCents: 0.25, totalCents: 256.25 });

    const report = await runReport(source);
    expect(report).toMatchObject({ kind: "workflow", status: "succeeded", output: 5 });
    expect(report.cost).toMatchObject({ modelCents: 256, toolCents: 0.25, totalCents: 256.25 });
    expect(report.cost.byTool).toEqual({ lookup: { calls: 1, failedCalls: 0, cents: 0.25 } });
    expect(report.cost.byAgent.researcher).toMatchObject({
      role: "agent",
      modelCents: 256,
      toolCents: 0.25,
      modelCalls: 2,
      toolCalls: 1,
    });

    const chart = await flowchart(source);
    expect(chart).toMatch(/^\| 2 steps · 238 tokens · 256\.2500¢ +\|$/m);
    expect(chart).toContain("succeeded · mock:researcher · 0ms · 238 tokens · 256.2500¢");
    expect(chart).toContain("  total: 238 tokens · 256.2500¢");

    const trace = await toolTrace(source);
    expect(trace.split("\n").slice(0, 4)).toEqual([
      "workflow brief run_1 · succeeded · 2 steps · 238 tokens · 256.2500¢",
      "├─ ✓ step research → researcher (mock:researcher) · 0ms · 238 tokens · 256.2500¢",
      '│  └─ ✓ lookup {"term":"tides"} → {"term":"tides","found":true} · 0ms · 0.2500¢',
      "└─ ✓ step words · 0ms",
    ]);
    expect(trace).toMatch(/^researcher +agent +2 +1 +220 +18 +238 +256\.2500¢$/m);
    expect(trace).toMatch(/^total +2 +1 +220 +18 +238 +256\.2500¢$/m);

    expect(usageTable(report)).toMatch(/^total +succeeded +220 +18 +0ms +256\.2500¢$/m);
    expect(costTable(report)).toMatch(/^lookup +1 +0 +0\.2500¢$/m);
    expect(costTable(report)).toContain(
      "Cost: 256.0000¢ for models + 0.2500¢ for tools = 256.2500¢",
    );
  });

  it("draw each step with the steps it waited for, from a live run's events as from the store", async () => {
    const { store, source } = await researchRun();
    const chart = await flowchart(source);
    expect(chart).toContain("| words · after research |");
    expect(chart).toContain("WORKFLOW brief · run_1 · succeeded");
    expect(chart).toContain("  steps: 2 (2 succeeded)");
    expect(chart).toContain("  tool calls: 1 (1 ✓, 0 ✗)");
    const events = await store.readLog(source.runId);
    expect(await toolTrace(events)).toBe(await toolTrace(source));
    const diagram = await mermaid(source);
    expect(diagram).toContain('t2["research · researcher ✓<br/>mock:researcher"]');
    expect(diagram).toContain('x3(["lookup ✓ ×1"])');
    expect(diagram).toContain("t2 --> t4");
  });

  it("summarise a run: output, trace, usage and cost tables", async () => {
    const { source } = await researchRun();
    const summary = await runSummary(await loadRunTrace(source));
    expect(summary.split("\n\n").slice(0, 3)).toEqual([
      "Run run_1 (brief) succeeded",
      "Output:\n  5",
      expect.stringMatching(/^Trace:\n {2}workflow brief run_1/),
    ]);
    expect(summary).toMatch(
      /^✓ research +succeeded +mock:researcher +1 +220 +18 +0ms +256\.2500¢$/m,
    );
    expect(summary).toMatch(/Cost: .* = 256\.2500¢$/);
  });

  it("nest a sub-workflow's run under its step, and count its calls in the totals", async () => {
    const store = new MemoryStore();
    const inner = workflow<string>("inner").step("research", researcher("waves", "Waves break."), {
      input: ({ input }) => input,
    });
    const outer = workflow<string>("outer")
      .step("prep", async ({ input }) => input.toUpperCase())
      .step("dig", inner, { dependsOn: ["prep"], input: ({ results }) => results.prep });
    const run = outer.start("waves", {
      store,
      clock: new ManualClock(0),
      ids: sequentialIdGenerator(),
    });
    await run.result;
    const source = await loadRunTrace({ store, runId: run.id });

    const report = await runReport(source);
    expect(report.cost).toMatchObject({ modelCents: 256, toolCents: 0.25, totalCents: 256.25 });
    expect(report.steps.map((step) => `${step.workflow}/${step.id}`)).toEqual([
      "outer/prep",
      "outer/dig",
      "inner/research",
    ]);
    expect(usageTable(report)).toMatch(/^✓ inner\/research +succeeded +mock:researcher /m);

    const trace = (await toolTrace(source)).split("\n");
    expect(trace[0]).toBe(`workflow outer ${run.id} · succeeded · 2 steps · 0 tokens · 0.0000¢`);
    expect(trace[2]).toBe("└─ ✓ step dig · 0ms");
    expect(trace[3]).toMatch(
      /^ {3}└─ workflow inner \S+ · succeeded · 1 step · 238 tokens · 256\.2500¢$/,
    );
    expect(await flowchart(source)).toMatch(
      /\| dig +\|\n.*\n.*\n +\|\n +v\n.*\n +\| WORKFLOW inner [\s\S]*total: 238 tokens · 256\.2500¢/,
    );
  });

  it("show skipped steps, failed attempts and errors", async () => {
    const store = new MemoryStore();
    let calls = 0;
    const flow = workflow<string>("triage")
      .step("classify", async ({ input }) => input, { route: ({ output }) => String(output) })
      .step("bug", async () => "fixed", { dependsOn: ["classify"] })
      .step("feature", async () => "planned", { dependsOn: ["classify"] })
      .step(
        "reply",
        async () => {
          calls++;
          throw new Error(`mail server down (${calls})`);
        },
        {
          dependsOn: ["bug", "feature"],
          retry: { maxAttempts: 2, initialDelayMs: 0, retryOn: () => true },
        },
      );
    const definition = {
      kind: "spec",
      spec: {
        steps: [
          { id: "classify" },
          { id: "bug", dependsOn: ["classify"] },
          { id: "feature", dependsOn: ["classify"] },
          { id: "reply", dependsOn: ["bug", "feature"] },
        ],
      },
    };
    const run = flow.start("bug", { store, ids: sequentialIdGenerator(), definition });
    expect((await run.result).status).toBe("failed");
    const source = { store, runId: run.id };

    const trace = await toolTrace(source);
    expect(trace).toMatch(/^├─ ○ step feature · skipped \(route\)$/m);
    expect(trace).toMatch(/^└─ ✗ step reply · \S+ · 2 attempts$/m);
    expect(trace).toContain("   ├─ attempt 1 failed: Error: mail server down (1)");
    expect(trace).toContain("   └─ error: Error: mail server down (2)");

    const chart = await flowchart(source);
    expect(chart).toMatch(/\| feature · after classify \|\n.*\| skipped \(route\) +\|/);
    expect(chart).toContain("| error: mail server down (2)");
    expect(chart).toContain(
      "  steps: 4 (1 succeeded, 1 skipped, 1 failed)".replace("1 succeeded", "2 succeeded"),
    );

    const diagram = await mermaid(source);
    // The route chose bug: the edge to feature is dashed, and skipped and failed steps styled.
    expect(diagram).toContain('    t3["feature ○<br/>skipped: route"]');
    expect(diagram).toContain("    t2 -.-> t3\n    t2 --> t4\n");
    expect(diagram).toMatch(/classDef skipped .*\n {2}class t3 skipped/);
    expect(diagram).toMatch(/classDef failed .*\n {2}class t5 failed/);
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
});

describe("Views", () => {
  it("check their arguments: a bad source is a TypeError, bad options one OptionsError", async () => {
    const store = new MemoryStore();
    await expect(flowchart([], {})).rejects.toThrow(/expected at least one event/);
    await expect(flowchart({ store, runId: "nope" })).rejects.toThrow(/no run "nope"/);
    await expect(flowchart(42 as never)).rejects.toThrow(TypeError);
    const refused = async (view: Promise<unknown>) => {
      const error = await view.catch((caught: unknown) => caught);
      if (!OptionsError.isInstance(error)) throw error;
      return `${error.where} ${error.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`;
    };
    expect(await refused(flowchart([], { width: 10, widht: 90 } as never))).toBe(
      'flowchart() width: expected an integer >= 40, received 10; widht: unknown option "widht" (did you mean "width"?)',
    );
    expect(await refused(toolTrace([], { argumentChars: 2 }))).toBe(
      "toolTrace() argumentChars: expected an integer >= 10, received 2",
    );
    expect(await refused(runSummary([], { argumentChars: 1.5 }))).toBe(
      "runSummary() argumentChars: expected an integer >= 10, received 1.5",
    );
    expect(await refused(mermaid([], { direction: "UP" as never }))).toBe(
      'mermaid() direction: expected "TD" or "LR", received "UP"',
    );
    for (const rule of [flowchartOptionsRule, traceOptionsRule, mermaidOptionsRule]) {
      expect(disagreements(rule)).toEqual([]);
    }
  });
});
