/**
 * planAndExecute: a planner splits the task into a dependency graph; the graph runs on the
 * engine (independent subtasks at once); an editor writes the answer.
 *
 * The planner here is a function model that returns a fixed plan, so the example shows a
 * real dependency graph offline; the workers use the simulated model. With a real model,
 * give the planner `output: planSchema`.
 *
 *   npx tsx examples/patterns/plan-and-execute.ts
 */
import { agent } from "../../src/index.js";
import { planAndExecute, planSchema } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const plan = {
  subtasks: [
    { id: "prices", agent: "researcher", task: "Find current home battery prices", dependsOn: [] },
    { id: "subsidies", agent: "researcher", task: "Find subsidies in Germany", dependsOn: [] },
    {
      id: "payback",
      agent: "analyst",
      task: "Work out the payback period",
      dependsOn: ["prices", "subsidies"],
    },
  ],
};
async function fixedPlan(): Promise<string> {
  return JSON.stringify(plan);
}
const planner = agent({
  name: "planner",
  model: process.env.OPENAI_API_KEY ? "openai:gpt-4o-mini" : fixedPlan,
  output: planSchema,
  // A function model has no list price; it costs nothing here.
  prices: { "function:fixedPlan": { inputPerMillion: 0, outputPerMillion: 0 } },
});
const researcher = agent({
  name: "researcher",
  model: modelFor("researcher"),
  instructions: "Find facts.",
});
const analyst = agent({
  name: "analyst",
  model: modelFor("analyst"),
  instructions: "Do the numbers.",
});
const editor = agent({
  name: "editor",
  model: modelFor("editor"),
  instructions: "Write the answer.",
});

const run = planAndExecute({
  planner,
  agents: {
    researcher: { agent: researcher, description: "finds facts and figures" },
    analyst: { agent: analyst, description: "calculates and compares" },
  },
  synthesizer: editor,
}).start("Is a home battery worth it in Germany?");
for await (const event of run.events) {
  if (/^(decomposition|synthesis)-/.test(event.type)) console.log(`[${event.type}]`);
}
const result = await run.result;
for (const subtask of result.output.results) {
  const after =
    subtask.subtask.dependsOn.length > 0 ? ` (after ${subtask.subtask.dependsOn.join(", ")})` : "";
  console.log(`${subtask.id} by ${subtask.subtask.agent}${after}: ${short(subtask.text, 60)}`);
}
console.log(`Answer: ${short(result.output.text)}`);
printSpend(result);
