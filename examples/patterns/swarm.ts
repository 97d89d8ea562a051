/**
 * swarm: a market question split across five domains, two scouts at a time, merged by an
 * analyst.
 *
 *   npx tsx examples/patterns/swarm.ts
 */
import { agent } from "../../src/index.js";
import { swarm } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const scouts = ["scout-a", "scout-b"].map((name) =>
  agent({
    name,
    model: modelFor(name),
    instructions: "Research the part of the question you are given.",
  }),
);
const analyst = agent({
  name: "analyst",
  model: modelFor("analyst"),
  instructions: "Merge the scouts' findings into a recommendation.",
});

const study = swarm({
  agents: scouts,
  domains: ["pricing", "competitors", "regulation", "supply chain", "customer demand"],
  maxParallel: 2,
  synthesizer: analyst,
});
const result = await study.run("Should we sell e-bikes in the Netherlands?");

for (const answer of result.output.answers) {
  console.log(`${answer.domain} (${answer.agent}): ${short(answer.text, 80)}`);
}
console.log(`Recommendation: ${short(result.output.text)}`);
printSpend(result);
