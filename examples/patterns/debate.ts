/**
 * debate: two agents argue a motion for two rounds; a judge decides.
 *
 *   npx tsx examples/patterns/debate.ts
 */
import { agent } from "../../src/index.js";
import { debate, verdictSchema } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const advocate = agent({
  name: "advocate",
  model: modelFor("advocate"),
  instructions: "Argue persuasively.",
});
const critic = agent({
  name: "critic",
  model: modelFor("critic"),
  instructions: "Argue persuasively.",
});
const judge = agent({
  name: "judge",
  model: modelFor("judge"),
  instructions: "Judge debates on the strength of the arguments alone.",
  output: verdictSchema,
});

const result = await debate({ pro: advocate, con: critic, judge, rounds: 2 }).run(
  "Cities should ban cars from their centres",
);
for (const turn of result.output.transcript) {
  console.log(`round ${turn.round} ${turn.side}: ${short(turn.text, 70)}`);
}
console.log(`Winner: ${result.output.winner}. ${result.output.verdict}`);
printSpend(result);
