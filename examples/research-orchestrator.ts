/**
 * An orchestrator that plans its own team. The main agent calls plan_and_create_subagents;
 * the designer proposes specialised subagents, each with only the tools it needs; the
 * orchestrator checks the plan (its first one asks for a tool that is not available, so it
 * goes back to the designer), creates the subagents and runs their tasks as a workflow:
 * two in parallel, then one that builds on both. Then it prints the answer, a flowchart,
 * the tool trace and the cost breakdown.
 *
 * Runs offline: the main agent and the subagents are simulated models. The designer is a
 * scripted stand-in (see `scriptedDesigner` below) so the plan reads like a real one.
 *
 *   npx tsx examples/research-orchestrator.ts
 */
import { fileURLToPath } from "node:url";
import type { ModelMessage } from "ai";
import { Orchestrator, type OrchestratorCostBreakdown } from "../src/orchestrator/index.js";
import { MemoryStore } from "../src/stores/memory/index.js";
import { calculator, httpFetch, readFile } from "../src/tools/index.js";
import { flowchart, toolTrace } from "../src/views/index.js";

const examples = fileURLToPath(new URL(".", import.meta.url));

/**
 * SCRIPTED STAND-IN FOR A REAL DESIGNER MODEL. A real model (say `openai:gpt-4o`) writes
 * the plan from the goal; this function returns a fixed one so the example is offline and
 * deterministic. Its first plan gives the scout a `shell` tool, which the orchestrator
 * does not offer: the plan is rejected and the designer is asked again with the problem.
 */
async function scriptedDesigner(messages: ModelMessage[]): Promise<string> {
  const rejected = JSON.stringify(messages).includes("Your previous plan was rejected");
  return JSON.stringify({
    agents: [
      {
        name: "scout",
        instructions: "Read the notes you are pointed to and pull out the facts that matter.",
        tools: rejected ? ["read_file"] : ["read_file", "shell"],
        tasks: [{ id: "notes", description: "Read README.md and list what the examples show." }],
      },
      {
        name: "analyst",
        instructions: "Do the arithmetic behind a claim and show the numbers.",
        tools: ["calculator"],
        tasks: [
          {
            id: "numbers",
            description:
              "Compute the yearly output of a 2 MW tidal turbine at a 40% capacity factor.",
          },
        ],
      },
      {
        name: "writer",
        instructions: "Write a short, plain brief from the findings you are given.",
        tools: [],
        tasks: [
          {
            id: "brief",
            description: "Write the research brief.",
            dependsOn: ["notes", "numbers"],
          },
        ],
      },
    ],
  });
}

const orchestrator = new Orchestrator({
  name: "research",
  mainAgent: {
    name: "lead",
    model: "simulated:lead",
    instructions: "You run a small research desk.",
  },
  designerModel: scriptedDesigner,
  subagentModel: "simulated:worker",
  availableTools: {
    read_file: readFile({ root: examples }),
    calculator: calculator(),
    http_fetch: httpFetch({ allowHosts: ["en.wikipedia.org"] }),
  },
  maxParallelTasks: 2,
  prices: {
    // Simulated models are free; price them like gpt-4o-mini so the costs look real.
    "simulated:lead": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    "simulated:worker": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    // The scripted designer reports no tokens, so it costs nothing.
    "function:scriptedDesigner": { inputPerMillion: 0, outputPerMillion: 0 },
  },
  store: new MemoryStore(),
});

const request =
  "Plan a short research brief on tidal energy in Scotland: create specialised subagents for it.";
console.log(`Request: ${request}\n`);

const result = await orchestrator.process(request);

console.log(`Answer: ${result.content}\n`);
console.log(await flowchart({ store: orchestrator.store, runId: result.runId }));
console.log();
console.log(await toolTrace({ store: orchestrator.store, runId: result.runId }));
console.log();
printCost(result.costBreakdown);

function printCost(cost: OrchestratorCostBreakdown): void {
  const cents = (value: number | null) => (value === null ? "unknown" : `${value.toFixed(4)}¢`);
  console.log(
    `Cost: planning ${cents(cost.planningCents)} + subagents ${cents(cost.subagentCents)} + tools ${cents(cost.toolCents)} = ${cents(cost.totalCents)}`,
  );
}
