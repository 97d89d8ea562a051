/**
 * parallel: the same question to three agents at once; an editor merges their answers.
 *
 *   npx tsx examples/patterns/parallel.ts
 */
import { agent } from "../../src/index.js";
import { parallel } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const perspectives = ["optimist", "pessimist", "realist"].map((name) =>
  agent({ name, model: modelFor(name), instructions: `Answer as a ${name} would.` }),
);
const editor = agent({
  name: "editor",
  model: modelFor("editor"),
  instructions: "Merge several answers into one balanced answer.",
});

const run = parallel(perspectives, { merge: editor, maxParallel: 3 }).start(
  "Will remote work still be common in 2030?",
);
for await (const event of run.events) {
  if (event.type === "synthesis-start" || event.type === "synthesis-end")
    console.log(`[${event.type}]`);
}
const result = await run.result;
for (const answer of result.output.answers) console.log(`${answer.agent}: ${short(answer.text)}`);
console.log(`Merged: ${short(result.output.text)}`);
printSpend(result);
