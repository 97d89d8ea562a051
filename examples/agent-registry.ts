/**
 * An agent registry: agents by capability, picked per call by health, then priority, then
 * load, with a fallback down the list when one fails.
 *
 * 1. The primary analyst is down (its health check fails): routes skip it.
 * 2. Two equal analysts share two calls made at once: one each (load balancing).
 * 3. The summariser fails on every call: the route falls back to the backup.
 * 4. The registry's statistics: calls, errors, p95 latency per agent.
 * 5. An orchestrator's main agent delegates to a route: each task goes to the agent the
 *    registry picks (the failing summariser is passed for the backup).
 *
 * Offline: simulated models, and a function model that fails. No key, no network.
 *
 *   npx tsx examples/agent-registry.ts
 */
import { agent, type BatonEvent, workflow } from "../src/index.js";
import { Orchestrator } from "../src/orchestrator/index.js";
import { AgentRegistry } from "../src/registry/index.js";

const analyst = (name: string) =>
  agent({ name, model: `simulated:${name}`, instructions: "Analyse the figures." });

let primaryUp = false;
const registry = new AgentRegistry()
  .register(analyst("primary"), {
    capabilities: ["analysis"],
    priority: 2,
    healthCheck: async () => primaryUp,
  })
  .register(analyst("analyst-a"), { capabilities: ["analysis"], priority: 1, maxConcurrent: 2 })
  .register(analyst("analyst-b"), { capabilities: ["analysis"], priority: 1, maxConcurrent: 2 })
  .register(
    agent({
      name: "summariser",
      model: async () => {
        throw new Error("503 Service Unavailable");
      },
      retry: 1,
    }),
    { capabilities: ["summary"], priority: 2 },
  )
  .register(agent({ name: "backup", model: "simulated:backup" }), {
    capabilities: ["summary"],
    priority: 1,
  });

/** Runs a workflow and prints each pick the registry made. */
async function show(flow: ReturnType<typeof workflow<string>>, input: string) {
  const run = flow.start(input);
  for await (const event of run.events as AsyncIterable<BatonEvent & Record<string, unknown>>) {
    if (event.type === "registry-select") {
      const after = event.after
        ? ` (after ${String(event.after)} failed: ${String(event.error)})`
        : "";
      console.log(`  ${event.stepId} -> ${String(event.agent)}${after}`);
    }
  }
  return run.result;
}

console.log("1. The primary is unhealthy, so it is skipped:");
await show(workflow<string>("one").step("analyse", registry.route("analysis")), "Q3 revenue");
console.log(
  `  primary healthy: ${registry.find({ capability: "analysis" }).find((a) => a.name === "primary")?.healthy}`,
);

console.log("2. Two calls at once go to the two equal analysts, one each:");
await show(
  workflow<string>("two")
    .step("analyse-1", registry.route("analysis"))
    .step("analyse-2", registry.route("analysis")),
  "Q3 costs",
);

console.log("3. The summariser fails; the route falls back to the backup:");
const summary = await show(
  workflow<string>("three").step("summary", registry.route("summary")),
  "Summarise Q3",
);
console.log(`  status: ${summary.status}, answered by ${summary.steps.summary?.model}`);

console.log("4. Statistics:");
const stats = registry.statistics();
console.log(
  `  agents: ${stats.agents}, enabled: ${stats.enabled}, capabilities: ${JSON.stringify(stats.capabilities)}`,
);
for (const [name, figures] of Object.entries(stats.byAgent)) {
  console.log(
    `  ${name}: ${figures.calls} calls, ${figures.errors} errors, p95 ${figures.latency?.p95Ms ?? "-"} ms`,
  );
}
primaryUp = true;
await registry.checkHealth();
console.log(
  `After the primary recovers, routes pick: ${registry.find({ capability: "analysis" })[0]?.name}`,
);

console.log("5. An orchestrator delegates to the route; the registry picks who does each task:");
const orchestrator = new Orchestrator({
  mainAgent: { name: "lead", model: "simulated:lead", instructions: "Delegate the analysis." },
  subagents: [registry.route("summary")],
});
const processed = await orchestrator.process("Delegate to subagents: summarise the Q3 figures.");
for (const output of processed.toolOutputs) {
  const { tasks } = output.output as {
    tasks: Array<{ id: string; agent: string; output: string }>;
  };
  for (const task of tasks) {
    console.log(
      `  ${task.id} (${task.agent}) answered by ${/^\[(simulated:[\w-]+)\]/.exec(task.output)?.[1]}`,
    );
  }
}
