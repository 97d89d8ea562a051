/**
 * cascade: six quick searchers, two analysts over three findings each, one writer.
 *
 *   npx tsx examples/patterns/cascade.ts
 */
import { agent } from "../../src/index.js";
import { cascade } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const searcher = agent({
  name: "searcher",
  model: modelFor("searcher"),
  instructions: "Find facts fast.",
});
const analyst = agent({
  name: "analyst",
  model: modelFor("analyst"),
  instructions: "Find what the facts mean.",
});
const writer = agent({
  name: "writer",
  model: modelFor("writer"),
  instructions: "Write the final brief.",
});

const research = cascade({
  tiers: [
    { name: "search", agent: searcher, size: 6 },
    { name: "analyse", agent: analyst, size: 2 },
    { name: "write", agent: writer },
  ],
  maxParallel: 4,
});
console.log(
  research
    .graph()
    .steps.map((step) => `${step.id} <- [${step.dependsOn.join(", ")}]`)
    .join("\n"),
);
const result = await research.run("Home battery storage in Europe");

for (const tier of result.output.tiers) console.log(`${tier.name}: ${tier.answers.length} answers`);
console.log(`Brief: ${short(result.output.text)}`);
printSpend(result);
