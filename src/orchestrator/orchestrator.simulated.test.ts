import { describe, expect, it } from "vitest";
import { agent } from "../index.js";
import { MemoryStore } from "../stores/memory/index.js";
import { calculator } from "../tools/index.js";
import { DELEGATE_TOOL, Orchestrator, PLAN_TOOL } from "./index.js";

const TASK = "Compare tidal and wave power in Scotland.";

/**
 * Processes the task and returns the run's one call of the orchestrator's tools, which must
 * be `tool` and must have succeeded, with the answer.
 */
async function onlyCall(team: Orchestrator, tool: string) {
  const result = await team.process(TASK);
  const calls = result.toolOutputs.filter(
    (call) => call.tool === DELEGATE_TOOL || call.tool === PLAN_TOOL,
  );
  expect(calls.map((call) => [call.tool, call.error])).toEqual([[tool, undefined]]);
  return { call: calls[0]!, result };
}

describe("Orchestrator on simulated models (offline)", () => {
  it("with subagents registered, delegates only to them, with unique task ids", async () => {
    const team = new Orchestrator({
      mainAgent: { name: "lead", model: "simulated:lead" },
      subagents: [
        {
          agent: agent({ name: "researcher", model: "simulated:researcher" }),
          description: "Looks things up.",
        },
        {
          agent: agent({ name: "analyst", model: "simulated:analyst" }),
          description: "Does sums.",
        },
      ],
      store: new MemoryStore(),
    });

    const { call, result } = await onlyCall(team, DELEGATE_TOOL);

    const tasks = (call.input as { tasks: Array<{ id: string; agent: string }> }).tasks;
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) expect(["researcher", "analyst"]).toContain(task.agent);
    const ids = tasks.map((task) => task.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(result.content).toMatch(/^\[simulated:lead\] Based on delegate_to_subagents/);
  });

  it("with none registered, plans a valid team: new names, offered tools only, then answers", async () => {
    const team = new Orchestrator({
      mainAgent: { name: "lead", model: "simulated:lead" },
      designerModel: "simulated:designer",
      subagentModel: "simulated:researcher",
      availableTools: { calculator: calculator() },
      store: new MemoryStore(),
    });

    const { call, result } = await onlyCall(team, PLAN_TOOL);

    const plan = call.output as { subagents: Array<{ name: string; tools: string[] }> };
    const names = plan.subagents.map((subagent) => subagent.name);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(["lead", "designer"]).not.toContain(name);
    for (const subagent of plan.subagents)
      for (const tool of subagent.tools) expect(tool).toBe("calculator");
    expect(result.subagentsCreated).toEqual(names);
    expect(result.content).toMatch(/^\[simulated:lead\] Based on plan_and_create_subagents/);
  });
});
