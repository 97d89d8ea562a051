/**
 * defineOrchestration: a custom orchestrator. It reviews a change file by file (at most two
 * at once, retried on transient errors, 60 s each), then a lead writes the summary. The
 * engine brings the concurrency, retries, timeouts, events and cost accounting.
 *
 *   npx tsx examples/patterns/custom-orchestration.ts
 */
import { agent } from "../../src/index.js";
import { defineOrchestration } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const reviewer = agent({
  name: "reviewer",
  model: modelFor("reviewer"),
  instructions: "Review code.",
});
const lead = agent({ name: "lead", model: modelFor("lead"), instructions: "Summarise reviews." });

interface FileReview {
  id: string;
  path: string;
  dependsOn: string[];
}

const codeReview = defineOrchestration<FileReview, string, string>({
  name: "code-review",
  decompose: (change) =>
    change
      .split("\n")
      .filter((line) => line.startsWith("+++ "))
      .map((line, index) => ({ id: `file-${index + 1}`, path: line.slice(4), dependsOn: [] })),
  executeSubtask: async (file, { run }) =>
    (await run(reviewer, `Review the changes to ${file.path}`)).text,
  synthesize: async (reviews, { run }) =>
    (await run(lead, reviews.map((review) => `${review.subtask.path}: ${review.text}`).join("\n")))
      .text,
  maxParallel: 2,
  retry: 3,
  timeout: 60_000,
});

const change = ["+++ src/cart.ts", "+++ src/checkout.ts", "+++ src/prices.ts"].join("\n");
const run = codeReview.start(change);
for await (const event of run.events) {
  if (/^(decomposition|synthesis)-/.test(event.type)) console.log(`[${event.type}]`);
}
const result = await run.result;
for (const review of result.output.results)
  console.log(`${review.subtask.path}: ${short(review.text, 70)}`);
console.log(`Summary: ${short(result.output.text)}`);
printSpend(result);
