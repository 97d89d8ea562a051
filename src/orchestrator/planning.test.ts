import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sequentialIdGenerator } from "../engine/index.js";
import { MemoryStore } from "../stores/memory/index.js";
import { calculator } from "../tools/index.js";
import { Orchestrator, PLAN_TOOL } from "./index.js";
import { json, promptsOf, scripted, text, toolCall, toolsOffered } from "./test-support.js";

const search = tool({
  description: "Searches the web.",
  inputSchema: z.object({ query: z.string() }),
  execute: async () => ({ hits: [] }),
});

const invalidPlan = {
  agents: [
    {
      name: "analyst",
      instructions: "Compute things.",
      tools: ["shell", "calculator"],
      tasks: [{ id: "compute", description: "Compute 6 * 7." }],
    },
  ],
};

const validPlan = {
  agents: [
    {
      name: "analyst",
      instructions: "Compute things.",
      tools: ["calculator"],
      tasks: [{ id: "compute", description: "Compute 6 * 7." }],
    },
    {
      name: "writer",
      instructions: "Write one sentence.",
      tools: [],
      tasks: [{ id: "write", description: "State the result.", dependsOn: ["analyst"] }],
    },
  ],
};

function setup(
  designer: ReturnType<typeof scripted>,
  subagents: ReturnType<typeof scripted>,
  maxPlanAttempts = 3,
) {
  const main = scripted(
    "main",
    toolCall(PLAN_TOOL, { goal: "Find 6 * 7 and say it." }),
    text("The answer is 42."),
  );
  const store = new MemoryStore();
  const orchestrator = new Orchestrator({
    mainAgent: { name: "lead", model: main },
    designerModel: designer,
    subagentModel: subagents,
    availableTools: { calculator: calculator(), search },
    maxPlanAttempts,
    store,
    ids: sequentialIdGenerator(),
  });
  return { main, store, orchestrator };
}

describe("Orchestrator planning", () => {
  it("sends an invalid plan back to the designer with its problems, then creates the subagents of the valid one", async () => {
    const designer = scripted("designer", json(invalidPlan), json(validPlan));
    // Planned subagents share the subagent model: analyst calls the calculator, then the writer answers.
    const subagents = scripted(
      "sub",
      toolCall("calculator", { expression: "6 * 7" }),
      text("42"),
      text("Six times seven is 42."),
    );
    const { main, store, orchestrator } = setup(designer, subagents);

    const result = await orchestrator.process("What is 6 * 7?");

    expect(result.content).toBe("The answer is 42.");
    expect(result.subagentsCreated).toEqual(["analyst", "writer"]);
    const [first, second] = promptsOf(designer);
    expect(first).toContain("Find 6 * 7 and say it.");
    expect(first).not.toContain("rejected");
    expect(second).toContain("Your previous plan was rejected");
    expect(second).toContain(
      'agents[0].tools[0]: "shell" is not an available tool (available: calculator, search)',
    );
    // Least privilege: each subagent is offered only the tools its plan gave it.
    expect(toolsOffered(subagents)).toEqual([["calculator"], ["calculator"], []]);
    expect(promptsOf(subagents)[2]).toContain("42");
    expect(result.toolOutputs.map((call) => [call.agent, call.tool, call.error?.name])).toEqual([
      ["lead", PLAN_TOOL, undefined],
      ["analyst", "calculator", undefined],
    ]);
    expect(result.toolOutputs[1]?.output).toEqual({ expression: "6 * 7", result: 42 });
    expect(result.toolOutputs[0]?.output).toMatchObject({
      subagents: [
        { name: "analyst", tools: ["calculator"] },
        { name: "writer", tools: [] },
      ],
      status: "succeeded",
      tasks: [
        { id: "compute", agent: "analyst", status: "succeeded", output: "42" },
        { id: "write", agent: "writer", status: "succeeded", output: "Six times seven is 42." },
      ],
    });

    const children = await store.listRuns({ parentId: result.runId });
    expect(children.map((run) => run.workflow).sort()).toEqual(["delegation", "planning"]);
    const planning = children.find((run) => run.workflow === "planning")!;
    const planningLog = await store.readLog(planning.id);
    expect(
      planningLog.filter((event) => event.type === "step-start").map((event) => event.iteration),
    ).toEqual([1, 2]);
    const processLog = await store.readLog(result.runId);
    const phases = processLog
      .filter((event) =>
        ["decomposition-start", "custom:plan-rejected", "decomposition-end"].includes(event.type),
      )
      .map((event) => event.type);
    expect(phases).toEqual(["decomposition-start", "custom:plan-rejected", "decomposition-end"]);
    expect(processLog.find((event) => event.type === "custom:plan-rejected")).toMatchObject({
      stepId: "main",
      data: { attempt: 1, issues: [{ path: "agents[0].tools[0]" }] },
    });
    expect(processLog.find((event) => event.type === "decomposition-end")).toMatchObject({
      ok: true,
      planRunId: planning.id,
      attempts: 2,
      agents: [
        { name: "analyst", tools: ["calculator"] },
        { name: "writer", tools: [] },
      ],
    });
    expect(
      Object.fromEntries(
        Object.entries(result.costBreakdown.byAgent).map(([name, spend]) => [name, spend.role]),
      ),
    ).toEqual({
      lead: "main",
      designer: "designer",
      analyst: "subagent",
      writer: "subagent",
    });
    expect(result.costBreakdown.byAgent.designer?.modelCalls).toBe(2);
    // The main agent's second call sees the results.
    expect(promptsOf(main)[1]).toContain("Six times seven is 42.");
  });

  it("fails planning clearly after maxPlanAttempts invalid plans, and creates nothing", async () => {
    const designer = scripted("designer", json(invalidPlan));
    const subagents = scripted("sub", text("never"));
    const { main, store, orchestrator } = setup(designer, subagents, 2);
    const result = await orchestrator.process("What is 6 * 7?");
    expect(designer.doGenerateCalls).toHaveLength(2);
    expect(subagents.doGenerateCalls).toHaveLength(0);
    expect(result.subagentsCreated).toEqual([]);
    expect(result.toolOutputs[0]?.error).toMatchObject({ name: "PlanError" });
    expect(result.toolOutputs[0]?.error?.message).toContain(
      "The designer's plan was still invalid after 2 attempts",
    );
    expect(promptsOf(main)[1]).toContain("shell");
    const children = await store.listRuns({ parentId: result.runId });
    expect(children.map((run) => run.workflow)).toEqual(["planning"]);
    const log = await store.readLog(result.runId);
    expect(log.filter((event) => event.type === "custom:plan-rejected")).toHaveLength(2);
    expect(log.find((event) => event.type === "decomposition-end")).toMatchObject({ ok: false });
  });

  it("rejects names already taken, duplicate names, unknown dependencies and cycles", async () => {
    const designer = scripted(
      "designer",
      json({
        agents: [
          {
            name: "lead",
            instructions: "x",
            tools: [],
            tasks: [{ id: "a", description: "A", dependsOn: ["b"] }],
          },
          {
            name: "twin",
            instructions: "x",
            tools: [],
            tasks: [{ id: "b", description: "B", dependsOn: ["a"] }],
          },
          {
            name: "twin",
            instructions: "x",
            tools: [],
            tasks: [{ id: "c", description: "C", dependsOn: ["nope"] }],
          },
        ],
      }),
    );
    const { orchestrator } = setup(designer, scripted("sub", text("x")), 1);
    const result = await orchestrator.process("Go");
    const message = result.toolOutputs[0]?.error?.message ?? "";
    expect(message).toContain('agents[0].name: "lead" is already an agent\'s name');
    expect(message).toContain('agents[2].name: "twin" is also the name of agents[1]');
    expect(message).toContain('agents[2].tasks[0].dependsOn[0]: unknown task "nope"');
    expect(message).toMatch(/tasks depend on each other in a cycle: (a -> b -> a|b -> a -> b)/);
  });
});
