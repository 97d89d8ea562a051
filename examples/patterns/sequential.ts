/**
 * sequential: a pipeline. The researcher's answer goes to the writer, the writer's to the
 * editor.
 *
 *   npx tsx examples/patterns/sequential.ts
 */
import { agent } from "../../src/index.js";
import { sequential } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const researcher = agent({
  name: "researcher",
  model: modelFor("researcher"),
  instructions: "List the key facts about the topic.",
});
const writer = agent({
  name: "writer",
  model: modelFor("writer"),
  instructions: "Turn the facts you are given into a short article.",
});
const editor = agent({
  name: "editor",
  model: modelFor("editor"),
  instructions: "Tighten the article you are given. Fix errors.",
});

const pipeline = sequential([researcher, writer, editor], {
  // Each stage after the first gets the task and the previous stage's answer.
  handoff: ({ task, previous }) => `Topic: ${task}\n\nWork from this:\n${previous.text}`,
});
const result = await pipeline.run("The history of the bicycle");

for (const stage of result.output.stages) console.log(`${stage.agent}: ${short(stage.text)}`);
console.log(`Final: ${short(result.output.text)}`);
printSpend(result);
