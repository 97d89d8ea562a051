/**
 * Writes a report of a run, as Markdown and as a PDF: a researcher searches (a paid tool,
 * half a cent a call) and a writer drafts a brief from the facts; a last step counts the
 * words. The report has the summary, each agent's results, the flowchart, the tool trace,
 * the usage and cost tables and the errors; every total counts the search's cost.
 *
 * Runs offline on simulated models. The files go to a temporary folder, printed at the end.
 *
 *   npx tsx examples/run-report.ts
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tool } from "ai";
import { z } from "zod";
import { agent, workflow } from "../src/index.js";
import { MemoryStore } from "../src/stores/memory/index.js";
import { report } from "../src/views/index.js";

const prices = { inputPerMillion: 0.15, outputPerMillion: 0.6 };
const search = tool({
  description: "Searches the web for a query",
  inputSchema: z.object({ query: z.string() }),
  execute: async ({ query }) => ({ hits: [`${query}: two high tides a day`], costInCents: 0.5 }),
});
const researcher = agent({
  name: "researcher",
  model: "simulated:researcher",
  instructions: "Find facts. Search first.",
  tools: { search },
  prices: { "simulated:researcher": prices },
});
const writer = agent({
  name: "writer",
  model: "simulated:writer",
  instructions: "Write a short brief from the facts.",
  prices: { "simulated:writer": prices },
});
const flow = workflow<{ topic: string }>("tide-brief")
  .step("research", researcher, { input: ({ input }) => `Search the web for ${input.topic}` })
  .step("draft", writer, {
    dependsOn: ["research"],
    input: ({ results }) => `Write a brief from: ${results.research.text}`,
  })
  .step("words", async ({ results }) => results.draft.text.split(/\s+/).length, {
    dependsOn: ["draft"],
  });

const store = new MemoryStore();
const run = flow.start({ topic: "tides in Scotland" }, { store });
await run.result;

const folder = await mkdtemp(join(tmpdir(), "baton-report-"));
const source = { store, runId: run.id };
const markdown = await report(source, { title: "Tides in Scotland: the brief's run" });
await writeFile(join(folder, "report.md"), markdown);
const pdf = await report(source, {
  format: "pdf",
  title: "Tides in Scotland: the brief's run",
  // The events a report emits: a step's `emit` would log them in its run.
  onEvent: (event) => {
    if (event.type === "document-generation-end")
      console.log(
        `document-generation-end: ${event.format}, ${event.pages} pages, ${event.bytes} bytes`,
      );
  },
});
await writeFile(join(folder, "report.pdf"), pdf);

// The Markdown up to the flowchart: the summary and each agent's results.
console.log(markdown.slice(0, markdown.indexOf("## Flowchart")).trimEnd());
console.log(`\nWrote ${join(folder, "report.md")} and ${join(folder, "report.pdf")}`);
