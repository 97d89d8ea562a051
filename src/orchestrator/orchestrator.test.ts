import { describe, expect, it } from "vitest";
import { sequentialIdGenerator } from "../engine/index.js";
import { agent, type BatonEvent, BudgetExceededError } from "../index.js";
import { MemoryStore } from "../stores/memory/index.js";
import { DELEGATE_TOOL, Orchestrator, OrchestratorError } from "./index.js";
import { gate, promptsOf, scripted, text, toolCall, usage } from "./test-support.js";

function worker(name: string, ...replies: Parameters<typeof scripted>[1][]) {
  const model = scripted(name, ...replies);
  return { model, agent: agent({ name, model, instructions: `You are ${name}.` }) };
}

function setup(
  main: ReturnType<typeof scripted>,
  options: Partial<ConstructorParameters<typeof Orchestrator>[0]> = {},
) {
  const store = new MemoryStore();
  const orchestrator = new Orchestrator({
    mainAgent: { name: "lead", model: main },
    store,
    ids: sequentialIdGenerator(),
    ...options,
  });
  return { store, orchestrator };
}

/** A main agent that delegates two tasks, `one` to `a` and `two` to `b` (`second` added to it), then says "ok". */
function twoTasks(second: { dependsOn?: string[] } = {}) {
  const main = scripted(
    "main",
    toolCall(DELEGATE_TOOL, {
      tasks: [
        { id: "one", agent: "a", description: "First." },
        { id: "two", agent: "b", description: "Second.", ...second },
      ],
    }),
    text("ok"),
  );
  return { main, subagents: [worker("a", text("A")).agent, worker("b", text("B")).agent] };
}

describe("Orchestrator", () => {
  it("runs delegated tasks as a child workflow: parallel tasks together, a sequential one after the task before it", async () => {
    const researcherIn = gate();
    const checkerIn = gate();
    const researcher = worker("researcher", async () => {
      researcherIn.open();
      await checkerIn.promise; // both must be in flight at once, or this never resolves
      return text("Tides rise twice a day.");
    });
    const checker = worker("checker", async () => {
      checkerIn.open();
      await researcherIn.promise;
      return text("The numbers hold.");
    });
    const writer = worker("writer", text("Report: tides rise twice a day."));
    const main = scripted(
      "main",
      toolCall(DELEGATE_TOOL, {
        tasks: [
          { id: "facts", agent: "researcher", description: "Find facts about tides." },
          { id: "check", agent: "checker", description: "Check the numbers." },
          {
            id: "draft",
            agent: "writer",
            description: "Write the report.",
            mode: "sequential",
            dependsOn: ["facts"],
          },
        ],
      }),
      text("Here is the report."),
    );
    const { store, orchestrator } = setup(main, {
      subagents: [
        researcher.agent,
        checker.agent,
        { agent: writer.agent, description: "Writes reports" },
      ],
    });

    const result = await orchestrator.process("Write a report on tides.");

    expect(result.content).toBe("Here is the report.");
    const children = await store.listRuns({ parentId: result.runId });
    expect(children.map((run) => [run.workflow, run.status])).toEqual([
      ["delegation", "succeeded"],
    ]);
    const log = await store.readLog(children[0]!.id);
    const order = log
      .filter((event) => event.type === "step-start" || event.type === "step-end")
      .map((event) => `${event.type}:${event.stepId}`);
    // draft waits for facts (dependsOn) and for check (sequential: the task before it).
    expect(order.indexOf("step-start:draft")).toBeGreaterThan(order.indexOf("step-end:facts"));
    expect(order.indexOf("step-start:draft")).toBeGreaterThan(order.indexOf("step-end:check"));
    const [writerPrompt] = promptsOf(writer.model);
    expect(writerPrompt).toContain("Write the report.");
    expect(writerPrompt).toContain("Tides rise twice a day.");
    expect(writerPrompt).toContain("The numbers hold.");
    // The main agent sees every task's outcome.
    expect(result.toolOutputs[0]).toMatchObject({
      agent: "lead",
      tool: DELEGATE_TOOL,
      output: {
        status: "succeeded",
        tasks: [
          {
            id: "facts",
            agent: "researcher",
            status: "succeeded",
            output: "Tides rise twice a day.",
          },
          { id: "check", agent: "checker", status: "succeeded", output: "The numbers hold." },
          {
            id: "draft",
            agent: "writer",
            status: "succeeded",
            output: "Report: tides rise twice a day.",
          },
        ],
      },
    });
    expect(promptsOf(main)[1]).toContain("Report: tides rise twice a day.");
    // The main agent is told about its subagents.
    const [delegate] = main.doGenerateCalls[0]!.tools!.filter(
      (tool) => tool.name === DELEGATE_TOOL,
    );
    expect(delegate && "description" in delegate ? delegate.description : "").toContain(
      "- writer: Writes reports",
    );
  });

  it("lists a subagent with its agent's own description when registration gives none", async () => {
    const checker = agent({
      name: "checker",
      model: scripted("checker", text("ok")),
      description: "Checks numbers",
    });
    const main = scripted("main", text("Nothing to delegate."));
    const { orchestrator } = setup(main, { subagents: [checker] });
    await orchestrator.process("Hello.");
    const [delegate] = main.doGenerateCalls[0]!.tools!.filter(
      (tool) => tool.name === DELEGATE_TOOL,
    );
    expect(delegate && "description" in delegate ? delegate.description : "").toContain(
      "- checker: Checks numbers",
    );
  });

  it("runs one task at a time with maxParallelTasks: 1", async () => {
    const { main, subagents } = twoTasks();
    const { store, orchestrator } = setup(main, { subagents, maxParallelTasks: 1 });
    const { runId } = await orchestrator.process("Go");
    const [child] = await store.listRuns({ parentId: runId });
    const order = (await store.readLog(child!.id))
      .filter((event) => event.type === "step-start" || event.type === "step-end")
      .map((event) => `${event.type}:${event.stepId}`);
    expect(order).toEqual(["step-start:one", "step-end:one", "step-start:two", "step-end:two"]);
  });

  it("streams the delegation's events on the process run, with parentRunId", async () => {
    const a = worker("a", text("A"));
    const main = scripted(
      "main",
      toolCall(DELEGATE_TOOL, { tasks: [{ agent: "a", description: "Do it." }] }),
      text("ok"),
    );
    const { orchestrator } = setup(main, { subagents: [a.agent] });
    const run = orchestrator.start("Go");
    const events: BatonEvent[] = [];
    for await (const event of run.events) events.push(event);
    const { runId } = await run.result;
    const child = events.find((event) => event.type === "run-start" && event.runId !== runId);
    expect(child?.parentRunId).toBe(runId);
    expect(
      events.filter((event) => event.runId === child?.runId).map((event) => event.type),
    ).toContain("step-end");
    const parentEnd = events.findIndex(
      (event) => event.type === "run-end" && event.runId === runId,
    );
    expect(
      events.findIndex((event) => event.type === "run-end" && event.runId === child?.runId),
    ).toBeLessThan(parentEnd);
  });

  it("streams each delegation's progress over its tasks, and the process run's over its main step", async () => {
    const { main, subagents } = twoTasks({ dependsOn: ["one"] });
    const { orchestrator } = setup(main, { subagents });
    const run = orchestrator.start("Go");
    const seen: string[] = [];
    for await (const event of run.events) {
      if ((event.type === "step-end" || event.type === "run-end") && event.progress) {
        const { completed, total, percent } = event.progress;
        const where = event.parentRunId ? "delegation" : "process";
        seen.push(`${where} ${event.type} ${completed}/${total} ${percent}%`);
      }
    }
    expect(seen).toEqual([
      "delegation step-end 1/2 50%",
      "delegation step-end 2/2 100%",
      "delegation run-end 2/2 100%",
      "process step-end 1/1 100%",
      "process run-end 1/1 100%",
    ]);
  });

  it("gives an invalid delegation back to the main agent as the tool's error and starts no workflow", async () => {
    const a = worker("a", text("A"));
    const main = scripted(
      "main",
      toolCall(DELEGATE_TOOL, {
        tasks: [
          { id: "x", agent: "a", description: "X", dependsOn: ["y"] },
          { id: "y", agent: "a", description: "Y", dependsOn: ["x"] },
          { id: "z", agent: "ghost", description: "Z" },
        ],
      }),
      text("I could not delegate."),
    );
    const { store, orchestrator } = setup(main, { subagents: [a.agent] });
    const result = await orchestrator.process("Go");
    expect(result.toolOutputs[0]?.error?.name).toBe("PlanError");
    const feedback = promptsOf(main)[1]!;
    expect(feedback).toContain('tasks[2].agent: unknown agent \\"ghost\\" (known: a)');
    expect(feedback).toMatch(/tasks depend on each other in a cycle: (x -> y -> x|y -> x -> y)/);
    expect(await store.listRuns({ parentId: result.runId })).toEqual([]);
    expect(a.model.doGenerateCalls).toHaveLength(0);
  });

  it("reports a failed task to the main agent and lets independent tasks finish", async () => {
    const a = worker("a", new Error("a broke"));
    const b = worker("b", text("B done"));
    const c = worker("c", text("C"));
    const main = scripted(
      "main",
      toolCall(DELEGATE_TOOL, {
        tasks: [
          { id: "one", agent: "a", description: "One." },
          { id: "two", agent: "b", description: "Two." },
          { id: "three", agent: "c", description: "Three.", dependsOn: ["one"] },
        ],
      }),
      text("partial"),
    );
    const { orchestrator } = setup(main, { subagents: [a.agent, b.agent, c.agent] });
    const result = await orchestrator.process("Go");
    expect(result.toolOutputs[0]?.output).toMatchObject({
      status: "failed",
      tasks: [
        { id: "one", status: "failed", error: "a broke" },
        { id: "two", status: "succeeded", output: "B done" },
        { id: "three", status: "skipped" },
      ],
    });
    expect(c.model.doGenerateCalls).toHaveLength(0);
  });

  it("offers subagents registered after construction on the next process() call", async () => {
    const late = worker("late", text("late answer"));
    const main = scripted(
      "main",
      text("nothing to do"),
      toolCall(DELEGATE_TOOL, { tasks: [{ agent: "late", description: "Go." }] }),
      text("done"),
    );
    const { orchestrator } = setup(main);
    await orchestrator.process("First");
    orchestrator.registerSubagent(late.agent, { description: "Arrived late" });
    expect(orchestrator.subagents).toEqual(["late"]);
    const result = await orchestrator.process("Second");
    expect(result.toolOutputs[0]?.output).toMatchObject({
      tasks: [{ agent: "late", status: "succeeded" }],
    });
    const schemaOf = (call: number) => {
      const tool = main.doGenerateCalls[call]!.tools!.find((entry) => entry.name === DELEGATE_TOOL);
      return JSON.stringify(tool && "inputSchema" in tool ? tool.inputSchema : {});
    };
    expect(schemaOf(0)).not.toContain('"late"');
    expect(schemaOf(1)).toContain('"enum":["late"]');
    expect(() => orchestrator.registerSubagent(late.agent)).toThrow(/already registered/);
  });

  it("keeps and forgets memory per agent", async () => {
    const helperModel = scripted("helper", text("noted"));
    const helper = agent({
      name: "helper",
      model: helperModel,
      memory: { tokenThreshold: 10_000 },
    });
    const main = scripted(
      "main",
      text("first answer"),
      text("second answer"),
      text("third answer"),
    );
    const { orchestrator } = setup(main, {
      mainAgent: { name: "lead", model: main, memory: { tokenThreshold: 10_000 } },
      subagents: [helper],
    });
    await orchestrator.process("Remember the word kumquat.");
    await orchestrator.process("What was the word?");
    expect(promptsOf(main)[1]).toContain("kumquat");
    orchestrator.clearMemory("lead");
    await orchestrator.process("And now?");
    expect(promptsOf(main)[2]).not.toContain("kumquat");
    await helper.run("Remember plums.");
    orchestrator.clearAllMemory();
    await helper.run("What fruit?");
    expect(promptsOf(helperModel)[1]).not.toContain("plums");
    expect(() => orchestrator.clearMemory("nobody")).toThrow(
      /expected the name of the main agent or a subagent/,
    );
  });

  it("rejects with OrchestratorError, billing what the run spent, when the main agent fails", async () => {
    const main = scripted(
      "main",
      toolCall(DELEGATE_TOOL, { tasks: [] }, "c1", usage(7, 3)),
      new Error("model down"),
    );
    const { orchestrator } = setup(main);
    const error = await orchestrator.process("Go").catch((thrown: unknown) => thrown);
    expect(OrchestratorError.isInstance(error)).toBe(true);
    const failure = error as OrchestratorError;
    expect(failure.status).toBe("failed");
    expect(failure.message).toMatch(
      /Orchestrator "orchestrator" \(run run_1\) failed: .*model down/,
    );
    expect(failure.usage).toMatchObject({ inputTokens: 7, outputTokens: 3 });
    expect(failure.costBreakdown?.byAgent.lead?.modelCalls).toBe(2);
  });

  it("holds the delegations to the process run's budget", async () => {
    const a = worker("a", text("A", usage(300, 20)));
    const main = scripted(
      "main",
      toolCall(
        DELEGATE_TOOL,
        { tasks: [{ agent: "a", description: "Spend." }] },
        "c1",
        usage(100, 10),
      ),
      text("never reached"),
    );
    const { orchestrator } = setup(main, { subagents: [a.agent], budget: { maxTokens: 800 } });
    const error = (await orchestrator
      .process("Go")
      .catch((thrown: unknown) => thrown)) as OrchestratorError;
    expect(OrchestratorError.isInstance(error)).toBe(true);
    expect(BudgetExceededError.isInstance(error.result.error)).toBe(true);
    // The subagent's 320 tokens counted against the budget the main agent's next call needed.
    expect(a.model.doGenerateCalls).toHaveLength(1);
    expect(main.doGenerateCalls).toHaveLength(1);
    expect(error.usage.totalTokens).toBe(430);
    // The failed main step is billed in the run's own totals too: its agent and delegations.
    expect(error.result.usage.totalTokens).toBe(430);
  });

  it("bills the main agent and its delegations to the process run's main step", async () => {
    const a = worker("a", text("A", usage(300, 20)));
    const main = scripted(
      "main",
      toolCall(
        DELEGATE_TOOL,
        { tasks: [{ agent: "a", description: "Spend." }] },
        "c1",
        usage(100, 10),
      ),
      text("Done.", usage(50, 5)),
    );
    const { store, orchestrator } = setup(main, { subagents: [a.agent] });
    const result = await orchestrator.process("Go");
    expect(result.usage.totalTokens).toBe(485);
    const mainEnd = (await store.readLog(result.runId)).find(
      (event) => event.type === "step-end" && event.stepId === "main",
    );
    expect(mainEnd).toMatchObject({
      output: { text: "Done." },
      usage: { inputTokens: 450, outputTokens: 35, totalTokens: 485 },
    });
  });

  it("cancels the delegations when the process run is cancelled", async () => {
    const called = gate();
    const slow = worker("slow", async (call) => {
      called.open();
      await new Promise<void>((_resolve, reject) =>
        call.abortSignal?.addEventListener("abort", () => reject(call.abortSignal?.reason)),
      );
      return text("never");
    });
    const main = scripted(
      "main",
      toolCall(DELEGATE_TOOL, { tasks: [{ agent: "slow", description: "Wait." }] }),
      text("never"),
    );
    const { store, orchestrator } = setup(main, { subagents: [slow.agent] });
    const run = orchestrator.start("Go");
    await called.promise;
    run.cancel("user pressed stop");
    const error = (await run.result.catch((thrown: unknown) => thrown)) as OrchestratorError;
    expect(error.status).toBe("cancelled");
    const [child] = await store.listRuns({ parentId: run.id });
    expect(child?.status).toBe("cancelled");
    expect(main.doGenerateCalls).toHaveLength(1);
  });

  it("refuses input that is not a message or messages before starting", () => {
    const { orchestrator } = setup(scripted("main", text("x")));
    expect(() => orchestrator.start(42 as never)).toThrow(
      /expected messages to be a string or an array of ModelMessage/,
    );
  });

  it("checks its options", () => {
    const main = scripted("main", text("x"));
    expect(() => new Orchestrator({ mainAgent: undefined as never })).toThrow(
      /mainAgent: required: expected the main agent's options \(as for agent\(\)\)/,
    );
    expect(
      () =>
        new Orchestrator({
          mainAgent: { name: "lead", model: main, retry: 0, output: {} } as never,
          maxParallelTasks: 0,
          subagents: ["x" as never],
          maxPlanAtempts: 2,
        } as never),
    ).toThrow(
      [
        "Invalid options for new Orchestrator() (5 problems):",
        "  mainAgent.retry: expected an integer >= 1, received 0",
        '  mainAgent.output: unknown option "output" (known: name, model, instructions, description, tools, maxSteps, maxOutputTokens, fallbackModels, retry, timeout, memory, compression, cache, prices, clock, modelOptions)',
        '  subagents[0]: expected an agent (from agent()), a runnable of kind "agent" (a registry route) or { agent, description }, received "x"',
        "  maxParallelTasks: expected an integer >= 1, received 0",
        '  maxPlanAtempts: unknown option "maxPlanAtempts" (did you mean "maxPlanAttempts"?)',
      ].join("\n"),
    );
    expect(
      () =>
        new Orchestrator({
          mainAgent: { name: "lead", model: main, tools: { [DELEGATE_TOOL]: {} as never } },
        }),
    ).toThrow(/clashes with the orchestrator's own tool/);
    expect(
      () =>
        new Orchestrator({
          mainAgent: { name: "lead", model: main },
          subagents: [agent({ name: "lead", model: main })],
        }),
    ).toThrow(/main agent's name/);
  });
});
