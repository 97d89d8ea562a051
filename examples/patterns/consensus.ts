/**
 * consensus: a board of three votes with reasons; two thirds must approve.
 *
 *   npx tsx examples/patterns/consensus.ts
 */
import { agent } from "../../src/index.js";
import { consensus, voteSchema } from "../../src/patterns/index.js";
import { modelFor, printSpend } from "./support/example-support.js";

const board = ["cfo", "cto", "coo"].map((name) =>
  agent({
    name,
    model: modelFor(name),
    instructions: `You are the ${name.toUpperCase()}. Vote on proposals from your role's point of view.`,
    output: voteSchema,
  }),
);

const result = await consensus({ agents: board, threshold: 0.66 }).run(
  "Move the company to a four-day work week from September",
);
const { decision, ratio, votes, reasoning } = result.output;
for (const vote of votes) console.log(`${vote.agent}: ${vote.approve ? "for" : "against"}`);
console.log(`Decision: ${decision} (${(ratio * 100).toFixed(0)}% in favour, needed 66%)`);
console.log(`Reasoning:\n${reasoning}`);
printSpend(result);
