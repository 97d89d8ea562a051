/**
 * supervisor: a junior drafts, an editor reviews; after two rejected drafts a senior takes
 * over.
 *
 *   npx tsx examples/patterns/supervisor.ts
 */
import { agent } from "../../src/index.js";
import { reviewSchema, supervisor } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const junior = agent({
  name: "junior",
  model: modelFor("junior"),
  instructions: "Write release notes.",
});
const editor = agent({
  name: "editor",
  model: modelFor("editor"),
  instructions: "Review release notes. Approve only clear, accurate ones.",
  output: reviewSchema,
});
const senior = agent({
  name: "senior",
  model: modelFor("senior"),
  instructions: "Fix what others could not.",
});

const run = supervisor({
  worker: junior,
  reviewer: editor,
  maxRevisions: 2,
  escalate: senior,
}).start("Release notes for version 2.0: faster sync, new dark mode, dropped Node 18");
for await (const event of run.events) {
  if (event.type === "custom:review" || event.type === "custom:escalation") {
    console.log(`[${event.type}] ${JSON.stringify(event.data)}`);
  }
}
const result = await run.result;
console.log(
  `approved: ${result.output.approved}, escalated: ${result.output.escalated}, drafts: ${result.output.drafts}`,
);
console.log(`Final: ${short(result.output.text)}`);
printSpend(result);
