/**
 * Partial success: one agent of a team fails, and the run still completes with what the
 * others found, saying which part is missing.
 *
 * 1. A cascade of four searchers and a writer: the search API fails for searcher 3. With
 *    failureMode "continue", the writer works from the other three.
 * 2. A custom orchestration of four market studies: one fails, one depends on it. The
 *    synthesis is made from the two that succeeded; the output names the two missing.
 *
 * Offline: simulated models, and a function model standing in for a searcher whose API is
 * down. No key, no network.
 *
 *   npx tsx examples/partial-success.ts
 */
import { agent } from "../src/index.js";
import { cascade, defineOrchestration } from "../src/patterns/index.js";

async function flakySearch(messages: unknown): Promise<string> {
  const prompt = JSON.stringify(messages);
  if (prompt.includes("angle 3 of")) throw new Error("search API: 503 Service Unavailable");
  return `Finding ${/angle (\d) of/.exec(prompt)?.[1]}: prices fell 12% in a year.`;
}
const searcher = agent({
  name: "searcher",
  retry: 1,
  model: flakySearch,
  prices: { "function:flakySearch": { inputPerMillion: 0, outputPerMillion: 0 } },
});
const writer = agent({ name: "writer", model: "simulated:writer" });

const research = cascade({
  failureMode: "continue",
  tiers: [
    { name: "search", agent: searcher, size: 4 },
    { name: "write", agent: writer },
  ],
});
const report = await research.run("Home battery prices in Europe");
console.log(
  `1. cascade: ${report.status}, some agents failed: ${report.output.failed.map((m) => m.stepId).join(", ")}`,
);
console.log(
  `   the writer used: ${report.output.tiers[0]?.answers.map((a) => a.stepId).join(", ")}`,
);

interface Study {
  id: string;
  market: string;
  dependsOn?: string[];
}
const analyst = agent({ name: "analyst", model: "simulated:analyst" });
const survey = defineOrchestration<Study, string, string>({
  name: "market-survey",
  failureMode: "continue",
  retry: 1,
  decompose: () => [
    { id: "germany", market: "Germany" },
    { id: "france", market: "France" },
    { id: "spain", market: "Spain" },
    { id: "iberia", market: "Iberia summary", dependsOn: ["spain"] },
  ],
  executeSubtask: async (study, { run }) => {
    if (study.id === "spain") throw new Error("the Spanish data feed timed out");
    return (await run(analyst, `Study the ${study.market} market`)).text;
  },
  synthesize: (results, { failed }) =>
    `Survey of ${results.map((r) => r.subtask.market).join(" and ")}` +
    (failed.length > 0 ? ` (missing: ${failed.map((f) => f.id).join(", ")})` : ""),
});
const done = await survey.run("European battery markets");
console.log(`2. orchestration: ${done.status}; ${done.output.output}`);
for (const subtask of done.output.failed) {
  console.log(
    `   ${subtask.id}: ${subtask.status}${subtask.error ? ` (${subtask.error.message})` : ""}`,
  );
}
