import { describe, expect, it } from "vitest";
import { sequentialIdGenerator } from "../engine/index.js";
import { agent } from "../index.js";
import { AgentRegistry } from "../registry/index.js";
import { MemoryStore } from "../stores/memory/index.js";
import { DELEGATE_TOOL, Orchestrator } from "./index.js";
import { promptsOf, scripted, text, toolCall } from "./test-support.js";

describe("Orchestrator with an agent registry", () => {
  it("delegates to a registry route: each task goes to a healthy agent, balanced by load", async () => {
    const analysts = ["ada", "alan", "grace"].map((name) => {
      const model = scripted(name, text(`${name}'s analysis`));
      return { model, agent: agent({ name, model }) };
    });
    const [ada, alan, grace] = analysts;
    const registry = new AgentRegistry()
      .register(ada!.agent, { capabilities: ["analysis"] })
      .register(alan!.agent, { capabilities: ["analysis"] })
      .register(grace!.agent, {
        capabilities: ["analysis"],
        priority: 9,
        healthCheck: () => false,
      });
    const main = scripted(
      "main",
      toolCall(DELEGATE_TOOL, {
        tasks: [
          { id: "costs", agent: "analysis", description: "Analyse the costs." },
          { id: "risks", agent: "analysis", description: "Analyse the risks." },
        ],
      }),
      text("Both analysed."),
    );
    const store = new MemoryStore();
    const orchestrator = new Orchestrator({
      mainAgent: { name: "lead", model: main },
      subagents: [registry.route("analysis")],
      store,
      ids: sequentialIdGenerator(),
    });

    const result = await orchestrator.process("Assess the offer.");

    expect(result.content).toBe("Both analysed.");
    // grace has the highest priority but failed her health check: she got nothing.
    expect(grace!.model.doGenerateCalls).toHaveLength(0);
    expect(ada!.model.doGenerateCalls).toHaveLength(1);
    expect(alan!.model.doGenerateCalls).toHaveLength(1);
    expect(result.toolOutputs[0]?.output).toMatchObject({
      tasks: [
        expect.objectContaining({ id: "costs", agent: "analysis", status: "succeeded" }),
        expect.objectContaining({ id: "risks", agent: "analysis", status: "succeeded" }),
      ],
    });
    // The main agent is told what the route does, under the route's name.
    const [delegate] = main.doGenerateCalls[0]!.tools!.filter(
      (tool) => "name" in tool && tool.name === DELEGATE_TOOL,
    );
    expect(JSON.stringify(delegate)).toContain(
      'analysis: Any of the agents that can do \\"analysis\\"',
    );
    const [delegation] = await store.listRuns({ parentId: result.runId });
    const picks = (await store.readLog(delegation!.id)).filter(
      (event) => event.type === "registry-select",
    );
    expect(picks.map((event) => event.agent).sort()).toEqual(["ada", "alan"]);
    expect(registry.statistics().byAgent).toMatchObject({
      ada: { calls: 1 },
      alan: { calls: 1 },
      grace: { calls: 0, healthy: false },
    });
  });

  it("queues submitted tasks for a route by its name, and keeps clearAllMemory working", async () => {
    const model = scripted("ada", text("done"));
    const registry = new AgentRegistry().register(agent({ name: "ada", model }), {
      capabilities: ["writing"],
    });
    const orchestrator = new Orchestrator({
      mainAgent: { name: "lead", model: scripted("main", text("-")) },
      subagents: [{ agent: registry.route("writing"), description: "Writes anything" }],
      ids: sequentialIdGenerator(),
    });
    await orchestrator.ready;
    const task = orchestrator.submit("writing", "Write a haiku.");
    expect(await task.done).toMatchObject({ status: "succeeded", output: "done" });
    expect(promptsOf(model)[0]).toContain("Write a haiku.");
    expect(() => orchestrator.clearAllMemory()).not.toThrow();
    expect(() => orchestrator.clearMemory("writing")).not.toThrow();
  });
});
