/**
 * collaborative: three specialists take turns improving one shared draft, twice around.
 *
 *   npx tsx examples/patterns/collaborative.ts
 */
import { agent } from "../../src/index.js";
import { collaborative } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const team = [
  ["engineer", "Make it technically sound."],
  ["designer", "Make it pleasant to use."],
  ["lawyer", "Make it compliant with privacy law."],
].map(([name, instructions]) =>
  agent({ name: name!, model: modelFor(name!), instructions: instructions! }),
);

const result = await collaborative({ agents: team, rounds: 2 }).run(
  "A sign-up flow for a fitness app",
);
for (const turn of result.output.contributions) {
  console.log(`round ${turn.round}, ${turn.agent}: ${short(turn.text, 70)}`);
}
console.log(`Final draft: ${short(result.output.text)}`);
printSpend(result);
