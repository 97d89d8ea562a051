/**
 * iterate: a writer refines a slogan until a critic says it is done, or three drafts.
 *
 *   npx tsx examples/patterns/iterate.ts
 */
import { agent } from "../../src/index.js";
import { iterate, judgementSchema } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const writer = agent({ name: "writer", model: modelFor("writer"), instructions: "Write slogans." });
const critic = agent({
  name: "critic",
  model: modelFor("critic"),
  instructions: "Judge slogans strictly.",
  output: judgementSchema,
});

const refine = iterate(writer, {
  judge: critic,
  // A convergence function can stop it too, without asking the critic.
  until: ({ text, previous }) => text === previous,
  maxIterations: 3,
});
const result = await refine.run("A slogan for a bakery that opens at 5 a.m.");

for (const draft of result.output.history) {
  console.log(
    `draft ${draft.iteration}: ${short(draft.text, 60)} | feedback: ${draft.feedback ?? "-"}`,
  );
}
console.log(`Stopped by ${result.output.stoppedBy} after ${result.output.iterations} drafts`);
printSpend(result);
