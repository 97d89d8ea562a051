/**
 * chainOfThought: explicit reasoning steps, one model call each, then the answer.
 *
 *   npx tsx examples/patterns/chain-of-thought.ts
 */
import { agent } from "../../src/index.js";
import { chainOfThought } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const reasoner = agent({
  name: "reasoner",
  model: modelFor("reasoner"),
  instructions: "Reason carefully.",
});

const solver = chainOfThought({
  reasoner,
  steps: ["List what is known", "Plan the calculation", "Carry it out and check it"],
});
const result = await solver.run(
  "A train leaves at 9:40 and travels 210 km at 84 km/h. When does it arrive?",
);

for (const thought of result.output.chain)
  console.log(`${thought.step}. ${thought.instruction}: ${short(thought.text, 70)}`);
console.log(`Answer: ${short(result.output.answer)}`);
printSpend(result);
