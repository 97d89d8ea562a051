import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  inkShare,
  pdfInfo,
  pdfText,
  popplerSkipReason,
  renderPage,
} from "../../test/support/poppler.js";
import { providerUsage, scriptedModel, textReply, toolCallReply } from "../agents/test-support.js";
import { CancelledError } from "../core/errors/cancelled-error.js";
import { OptionsError } from "../core/errors/options-error.js";
import { sequentialIdGenerator } from "../core/ports/id-generator.js";
import { disagreements } from "../core/test-support/rule-agreement.js";
import { agent, workflow } from "../index.js";
import { MemoryStore } from "../stores/memory/index.js";
import { ManualClock } from "../testing/index.js";
import { type DocumentGenerationEvent, flowchart, report, runReport } from "./index.js";
import { reportOptionsRule } from "./report-options-rule.js";
import { pdfSafe } from "./report-pdf.js";

const PRICE = { inputPerMillion: 10_000, outputPerMillion: 20_000 };

/** A paid lookup (a quarter of a cent a call) that fails for the term "storms". */
const lookup = tool({
  description: "Looks a term up.",
  inputSchema: z.object({ term: z.string() }),
  execute: async ({ term }) => {
    if (term === "storms") throw new Error("the almanac has no storms page");
    return { term, found: true, costInCents: 0.25 };
  },
});

/**
 * A run that goes partly wrong: `research` (an agent: a lookup that fails, one that
 * succeeds and bills 0.25¢, then its answer), `check` (fails on both attempts) and
 * `publish` (skipped because `check` failed).
 */
async function partlyFailedRun() {
  const store = new MemoryStore();
  const researcher = agent({
    name: "researcher",
    model: scriptedModel(
      "researcher",
      toolCallReply(
        [{ name: "lookup", input: { term: "storms" }, id: "k1" }],
        providerUsage(100, 10),
      ),
      toolCallReply(
        [{ name: "lookup", input: { term: "tides" }, id: "k2" }],
        providerUsage(110, 10),
      ),
      textReply("Tides rise twice a day.", providerUsage(120, 8)),
    ),
    tools: { lookup },
    prices: { "mock:researcher": PRICE },
  });
  const flow = workflow<string>("brief")
    .step("research", researcher, { input: ({ input }) => input })
    .step(
      "check",
      async ({ attempt }) => {
        throw new Error(`fact checker offline (attempt ${attempt})`);
      },
      {
        dependsOn: ["research"],
        retry: { maxAttempts: 2, initialDelayMs: 0, retryOn: () => true },
      },
    )
    .step("publish", async () => "published", { dependsOn: ["check"] });
  const run = flow.start("Tides", {
    store,
    clock: new ManualClock(Date.UTC(2026, 0, 2, 9, 30)),
    ids: sequentialIdGenerator(),
  });
  await run.result.catch(() => {});
  return { store, runId: run.id };
}

/** The lines of a Markdown section, from its heading to the next heading of its level or higher. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const level = heading.indexOf(" ");
  const rest = markdown.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`^#{1,${level}} `, "m"));
  return next < 0 ? rest : rest.slice(0, next);
}

describe("report", () => {
  it("writes Markdown: title, summary, output, agents, flowchart, trace, usage, cost, errors", async () => {
    const source = await partlyFailedRun();
    const markdown = await report(source);

    expect(markdown.startsWith("# Run report: brief\n\n## Summary\n")).toBe(true);
    expect(markdown.match(/^## .*$/gm)).toEqual([
      "## Summary",
      "## Agents",
      "## Flowchart",
      "## Tool trace",
      "## Usage",
      "## Cost",
      "## Errors",
    ]);
    const summary = section(markdown, "## Summary");
    expect(summary).toContain("- **Run:** run_1\n- **Workflow:** brief\n- **Kind:** workflow\n");
    expect(summary).toContain("- **Status:** ✗ failed\n");
    expect(summary).toContain("- **Started:** 2026-01-02 09:30:00 UTC\n");
    expect(summary).toContain("- **Steps:** 3 steps (1 succeeded, 1 failed, 1 skipped)\n");
    expect(summary).toContain("- **Tool calls:** 2 (1 ✓, 1 ✗)\n");
    expect(summary).toContain("- **Tokens:** 358 tokens (330 in, 28 out)\n");
    // Three model calls (100+110+120 in, 10+10+8 out at 100¢/200¢ per 1,000) and the lookup.
    expect(summary).toContain("- **Cost:** 386.2500¢ = 386.0000¢ models + 0.2500¢ tools\n");
    expect(summary).toContain("- **Error:** Error: fact checker offline (attempt 2)\n");

    const agents = section(markdown, "## Agents");
    expect(agents).toContain("### researcher (agent)\n");
    expect(agents).toContain(
      "✓ step research · succeeded · mock:researcher · 0ms · 358 tokens · 386.2500¢\n\n```text\nTides rise twice a day.\n```",
    );

    // The flowchart is the one `flowchart` draws, fenced.
    expect(section(markdown, "## Flowchart")).toBe(
      `\n\`\`\`text\n${await flowchart(source)}\n\`\`\`\n\n`,
    );
    const trace = section(markdown, "## Tool trace");
    expect(trace).toContain(
      '│  ├─ ✗ lookup {"term":"storms"} · 0ms · the almanac has no storms page\n',
    );
    expect(trace).toContain(
      '│  └─ ✓ lookup {"term":"tides"} → {"term":"tides","found":true} · 0ms · 0.2500¢\n',
    );
    expect(trace).toContain("└─ ○ step publish · skipped (cancelled)\n");

    const usage = section(markdown, "## Usage");
    expect(usage).toContain(
      "| step | status | model | attempts | input | output | time | cost |\n| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n",
    );
    expect(usage).toContain("| ✗ check | failed | - | 2 | 0 | 0 | 0ms | 0.0000¢ |\n");
    expect(usage).toContain("| researcher | agent | 3 | 2 | 330 | 28 | 358 | 386.2500¢ |\n");
    const cost = section(markdown, "## Cost");
    expect(cost).toContain("| mock:researcher | 3 | 0 | 330 | 28 | 386.0000¢ |\n");
    expect(cost).toContain("| lookup | 2 | 1 | 0.2500¢ |\n");
    expect(cost).toContain("Cost: 386.0000¢ for models + 0.2500¢ for tools = 386.2500¢\n");

    expect(section(markdown, "## Errors").trim().split("\n")).toEqual([
      "- tool lookup failed for researcher in step research: Error: the almanac has no storms page",
      "- step check failed on attempt 1 (retried): Error: fact checker offline (attempt 1)",
      "- step check failed on attempt 2: Error: fact checker offline (attempt 2)",
      "- run brief run_1 failed: Error: fact checker offline (attempt 2)",
    ]);
    // The same totals as the run report.
    expect((await runReport(source)).cost.totalCents).toBe(386.25);
  });

  it("keeps Markdown from reading outputs as markup, and cuts long ones", async () => {
    const store = new MemoryStore();
    const output = `**not bold** <b>no html</b> \`\`\`fence\`\`\` ${"x".repeat(50)}`;
    const run = workflow<string>("echo")
      .step("say", async () => output)
      .start("", { store, ids: sequentialIdGenerator(), clock: new ManualClock(0) });
    await run.result;
    const markdown = await report(
      { store, runId: run.id },
      { outputChars: 40, title: "A *title*" },
    );
    expect(markdown.startsWith("# A \\*title\\*\n")).toBe(true);
    // Outputs are fenced with more backticks than they hold, and cut at outputChars.
    expect(section(markdown, "### Output")).toBe(
      `\n\`\`\`\`text\n${[...output].slice(0, 40).join("")}\n… (${output.length - 40} more characters)\n\`\`\`\`\n\n`,
    );
  });

  it("gives document-generation-start and -end to onEvent", async () => {
    const source = await partlyFailedRun();
    const events: DocumentGenerationEvent[] = [];
    const markdown = await report(source, { onEvent: (event) => events.push(event) });
    expect(events).toEqual([
      {
        type: "document-generation-start",
        document: "report",
        format: "md",
        title: "Run report: brief",
        reportedRunId: "run_1",
      },
      {
        type: "document-generation-end",
        document: "report",
        format: "md",
        title: "Run report: brief",
        reportedRunId: "run_1",
        bytes: Buffer.byteLength(markdown),
      },
    ]);
  });

  it("logs its events in a run when a step writes a report with its emit", async () => {
    const reported = await partlyFailedRun();
    const { store } = reported;
    const run = workflow("archive")
      .step("write-report", async ({ emit }) => {
        const markdown = await report(reported, { onEvent: emit });
        return markdown.length;
      })
      .start(null, { store, clock: new ManualClock(5_000) });
    await run.result;
    const logged = (await store.readLog(run.id)).filter((event) =>
      event.type.startsWith("document-generation-"),
    );
    expect(logged).toEqual([
      expect.objectContaining({
        type: "document-generation-start",
        runId: run.id,
        stepId: "write-report",
        at: 5_000,
        reportedRunId: "run_1",
        format: "md",
      }),
      expect.objectContaining({ type: "document-generation-end", stepId: "write-report" }),
    ]);
  });

  it("refuses bad options with one OptionsError (every problem, with its path), and stops on its signal", async () => {
    const source = await partlyFailedRun();
    const refused = await report(source, {
      format: "docx",
      outputChars: 3,
      title: " ",
      tilte: "Run",
    } as never).catch((caught: unknown) => caught);
    if (!OptionsError.isInstance(refused)) throw refused;
    expect(refused.where).toBe("report()");
    expect(refused.issues).toEqual([
      { path: "format", message: 'expected "md" or "pdf", received "docx"' },
      { path: "title", message: 'expected a title that is not blank, received " "' },
      { path: "outputChars", message: "expected an integer >= 20, received 3" },
      { path: "tilte", message: 'unknown option "tilte" (did you mean "title"?)' },
    ]);
    expect(disagreements(reportOptionsRule)).toEqual([]);
    await expect(report({ store: source.store, runId: "run_404" })).rejects.toThrow(
      'loadRunTrace: no run "run_404" in the store',
    );
    const controller = new AbortController();
    controller.abort();
    const events: unknown[] = [];
    const error = await report(source, {
      signal: controller.signal,
      onEvent: (event) => events.push(event),
    }).catch((caught: unknown) => caught);
    expect(CancelledError.isInstance(error)).toBe(true);
    expect(events).toEqual([]);
  });

  it("writes marks and tree lines as characters the PDF's built-in fonts have", () => {
    expect(pdfSafe("├─ ✓ step a → b · 0.5¢ …\n│  └─ ✗ ○ ⏸ █░ 你好 😀")).toBe(
      "|- + step a > b · 0.5¢ …\n|  `- x o = #. ?? ?",
    );
  });
});

const skip = popplerSkipReason();

describe.skipIf(skip !== undefined)("report as PDF", () => {
  it("holds the report's text, in a monospace font, on A4 pages that render", async () => {
    const source = await partlyFailedRun();
    const events: DocumentGenerationEvent[] = [];
    const pdf = await report(source, { format: "pdf", onEvent: (event) => events.push(event) });

    expect(Buffer.from(pdf.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
    const info = pdfInfo(pdf);
    expect(info.Title).toBe("Run report: brief");
    expect(info["Page size"]).toMatch(/^595\.28 x 841\.89 pts \(A4\)/);
    const pages = Number(info.Pages);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toMatchObject({
      type: "document-generation-end",
      format: "pdf",
      pages,
      bytes: pdf.byteLength,
    });

    const text = pdfText(pdf);
    for (const heading of [
      "Summary",
      "Agents",
      "Flowchart",
      "Tool trace",
      "Usage",
      "Cost",
      "Errors",
    ]) {
      expect(text).toMatch(new RegExp(`^${heading}$`, "m"));
    }
    expect(text).toMatch(/^Run report: brief$/m);
    expect(text).toContain("Status: x failed");
    expect(text).toContain("Cost: 386.2500¢ = 386.0000¢ models + 0.2500¢ tools");
    expect(text).toContain("Tides rise twice a day.");
    // The flowchart and tables keep their columns: a monospace font, laid out as drawn.
    const chart = pdfSafe(await flowchart(source)).split("\n");
    for (const line of chart.filter((line) => line.startsWith("+--") || line.startsWith("|"))) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/^x check +failed +- +2 +0 +0 +0ms +0\.0000¢$/m);
    expect(text).toMatch(/^lookup +2 +1 +0\.2500¢$/m);
    // pdftotext -layout keeps columns, not every run of spaces between words.
    expect(text.replace(/ +/g, " ")).toContain(
      '| `- + lookup {"term":"tides"} > {"term":"tides","found":true} · 0ms · 0.2500¢',
    );
    expect(text).toContain(
      "• step check failed on attempt 2: Error: fact checker offline (attempt 2)",
    );
    expect(text).toMatch(new RegExp(`Run report: brief · page ${pages} of ${pages}`));
    expect(text).not.toContain("?");

    // Every page renders at A4's proportions with ink on it; the first opens with the title.
    const folder = join(process.cwd(), "test-artifacts", "reports");
    mkdirSync(folder, { recursive: true });
    for (let page = 1; page <= pages; page++) {
      const rendered = renderPage(pdf, page);
      writeFileSync(join(folder, `partly-failed-run-page-${page}.png`), rendered.png);
      expect(rendered.width / rendered.height).toBeCloseTo(595.28 / 841.89, 2);
      expect(inkShare(rendered)).toBeGreaterThan(0.005);
      expect(inkShare(rendered)).toBeLessThan(0.3);
    }
    const first = renderPage(pdf, 1);
    // 50 dpi: the title sits under the 50 pt top margin, in rows 35 to 50; above it, blank.
    expect(inkShare(first, 0, 30)).toBe(0);
    expect(inkShare(first, 35, 50)).toBeGreaterThan(0.02);
  });

  it("writes a long output over several pages, wrapping lines wider than the page", async () => {
    const store = new MemoryStore();
    const lines = Array.from(
      { length: 400 },
      (_, index) => `line ${index + 1} ${"word ".repeat(40)}`,
    );
    const run = workflow<string>("long")
      .step("say", async () => lines.join("\n"))
      .start("", { store, ids: sequentialIdGenerator(), clock: new ManualClock(0) });
    await run.result;
    const pdf = await report({ store, runId: run.id }, { format: "pdf", outputChars: 100_000 });
    // Pages are split by form feeds.
    const text = pdfText(pdf).replace(/\f/g, "\n");
    const pages = Number(pdfInfo(pdf).Pages);
    expect(pages).toBeGreaterThan(5);
    // Every line is there once, in order, though each is wrapped onto a second line.
    const numbered = [...text.matchAll(/^line (\d+) /gm)].map((match) => Number(match[1]));
    expect(numbered).toEqual(lines.map((_, index) => index + 1));
    expect(text).toMatch(/^ {2}word word/m);
  });
});
