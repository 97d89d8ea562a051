import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sequentialIdGenerator } from "../engine/index.js";
import { agent } from "../index.js";
import type { PriceTable } from "../models/index.js";
import { MemoryStore } from "../stores/memory/index.js";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/index.js";
import { calculator } from "../tools/index.js";
import { DELEGATE_TOOL, Orchestrator, PLAN_TOOL } from "./index.js";

// The real openai-compatible provider over HTTP, against a local fake server.

/** Dollars per million tokens chosen so every call costs a whole number of cents. */
const prices: PriceTable = {
  "openai-compatible:main-model": { inputPerMillion: 10_000, outputPerMillion: 20_000 }, // 1¢ / 2¢ per token
  "openai-compatible:designer-model": { inputPerMillion: 20_000, outputPerMillion: 40_000 }, // 2¢ / 4¢
  "openai-compatible:sub-model": { inputPerMillion: 5_000, outputPerMillion: 10_000 }, // 0.5¢ / 1¢
  "openai-compatible:backup-model": { inputPerMillion: 30_000, outputPerMillion: 30_000 }, // 3¢ / 3¢
};

/** What a call costs by `prices`, computed independently of Baton's pricing code. */
function cents(model: string, input: number, output: number): number {
  const price = prices[`openai-compatible:${model}`]!;
  return ((input * price.inputPerMillion + output * price.outputPerMillion) / 1_000_000) * 100;
}

const plan = (tools: string[]) =>
  JSON.stringify({
    agents: [
      {
        name: "alpha",
        instructions: "Research alpha.",
        tools,
        tasks: [{ id: "a", description: "Alpha part." }],
      },
      {
        name: "beta",
        instructions: "Research beta.",
        tools: [],
        tasks: [{ id: "b", description: "Beta part." }],
      },
    ],
  });

let server: FakeOpenAIServer;

beforeEach(async () => {
  server = await startFakeOpenAIServer();
});

afterEach(async () => {
  await server.close();
});

function orchestrator(options: Partial<ConstructorParameters<typeof Orchestrator>[0]> = {}) {
  const store = new MemoryStore();
  return {
    store,
    orchestrator: new Orchestrator({
      mainAgent: { name: "lead", model: "openai-compatible:main-model" },
      designerModel: "openai-compatible:designer-model",
      subagentModel: "openai-compatible:sub-model",
      availableTools: { calculator: calculator() },
      modelOptions: { baseURL: server.baseURL, env: {} },
      prices,
      store,
      ids: sequentialIdGenerator(),
      ...options,
    }),
  };
}

describe("Orchestrator over HTTP (openai-compatible)", () => {
  it("replans after an invalid plan, runs the planned subagents in parallel, and bills exactly usage × price", async () => {
    server.enqueueFor(
      "main-model",
      {
        toolCalls: [{ name: PLAN_TOOL, arguments: { goal: "Research alpha and beta." } }],
        usage: { promptTokens: 100, completionTokens: 10 },
      },
      { text: "Alpha and beta, summarised.", usage: { promptTokens: 120, completionTokens: 20 } },
    );
    server.enqueueFor(
      "designer-model",
      { text: plan(["shell"]), usage: { promptTokens: 50, completionTokens: 30 } },
      { text: plan(["calculator"]), usage: { promptTokens: 60, completionTokens: 40 } },
    );
    server.enqueueFor(
      "sub-model",
      { text: "Alpha findings.", usage: { promptTokens: 20, completionTokens: 10 } },
      { text: "Beta findings.", usage: { promptTokens: 22, completionTokens: 12 } },
    );
    const { store, orchestrator: team } = orchestrator();

    const result = await team.process("Tell me about alpha and beta.");

    expect(result.content).toBe("Alpha and beta, summarised.");
    expect(result.subagentsCreated).toEqual(["alpha", "beta"]);
    // The designer's second request carries the problems of its first plan.
    const designerRequests = server.requests.filter(
      (request) => request.body?.model === "designer-model",
    );
    expect(designerRequests).toHaveLength(2);
    expect(JSON.stringify(designerRequests[1]!.body?.messages)).toContain(
      '\\"shell\\" is not an available tool',
    );
    // Least privilege: alpha is offered the calculator, beta nothing.
    const subRequests = server.requests.filter((request) => request.body?.model === "sub-model");
    const offered = subRequests.map((request) =>
      (request.body?.tools ?? []).map((tool) => tool.function.name),
    );
    expect(offered.sort((a, b) => a.length - b.length)).toEqual([[], ["calculator"]]);

    // Parallel: both tasks start before either ends.
    const delegation = (await store.listRuns({ parentId: result.runId })).find(
      (run) => run.workflow === "delegation",
    )!;
    const order = (await store.readLog(delegation.id))
      .filter((event) => event.type === "step-start" || event.type === "step-end")
      .map((event) => event.type);
    expect(order).toEqual(["step-start", "step-start", "step-end", "step-end"]);

    // The cost is every reported usage times its price, to the cent.
    const planning =
      cents("main-model", 100, 10) +
      cents("main-model", 120, 20) +
      cents("designer-model", 50, 30) +
      cents("designer-model", 60, 40);
    const subagents = cents("sub-model", 20, 10) + cents("sub-model", 22, 12);
    expect(result.costBreakdown).toMatchObject({
      planningCents: planning,
      subagentCents: subagents,
      toolCents: 0,
      totalCents: planning + subagents,
      unpricedModels: [],
    });
    expect(planning + subagents).toBe(823);
    expect(result.usage).toEqual(server.usageTotals());
    expect(result.costBreakdown.byAgent.designer).toMatchObject({
      role: "designer",
      modelCalls: 2,
      usage: { inputTokens: 110, outputTokens: 70 },
      modelCents: cents("designer-model", 50, 30) + cents("designer-model", 60, 40),
    });
    // The engine's own totals for the run agree.
    const run = await store.getRun(result.runId);
    expect(run?.status).toBe("succeeded");
    const log = await store.readLog(result.runId);
    expect(log.at(-1)).toMatchObject({
      type: "run-end",
      cost: { totalCents: planning + subagents },
    });
  });

  it("retries a failing subagent, then serves its task with the fallback model", async () => {
    const researcher = agent({
      name: "researcher",
      model: "openai-compatible:sub-model",
      modelOptions: { baseURL: server.baseURL, env: {} },
      prices,
    });
    server.enqueueFor(
      "main-model",
      {
        toolCalls: [
          {
            name: DELEGATE_TOOL,
            arguments: { tasks: [{ id: "dig", agent: "researcher", description: "Dig." }] },
          },
        ],
        usage: { promptTokens: 40, completionTokens: 8 },
      },
      { text: "Done.", usage: { promptTokens: 50, completionTokens: 5 } },
    );
    server.enqueueFor("sub-model", { fault: "server-error" }, { fault: "server-error" });
    server.enqueueFor("backup-model", {
      text: "Found it.",
      usage: { promptTokens: 30, completionTokens: 6 },
    });
    const { store, orchestrator: team } = orchestrator({
      subagents: [researcher],
      retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 0 },
      fallbackModels: ["openai-compatible:backup-model"],
    });

    const result = await team.process("Dig something up.");

    expect(result.toolOutputs[0]?.output).toMatchObject({
      status: "succeeded",
      tasks: [{ id: "dig", agent: "researcher", status: "succeeded", output: "Found it." }],
    });
    expect(server.requests.map((request) => request.body?.model)).toEqual([
      "main-model",
      "sub-model",
      "sub-model",
      "backup-model",
      "main-model",
    ]);
    const [delegation] = await store.listRuns({ parentId: result.runId });
    const log = await store.readLog(delegation!.id);
    const calls = log
      .filter((event) => event.type.startsWith("model-call-") && event.type !== "model-call-start")
      .map((event) => `${event.type}:${String(event.model ?? `${event.from}->${event.to}`)}`);
    expect(calls).toEqual([
      "model-call-error:openai-compatible:sub-model",
      "model-call-retry:openai-compatible:sub-model",
      "model-call-error:openai-compatible:sub-model",
      "model-call-fallback:openai-compatible:sub-model->openai-compatible:backup-model",
      "model-call-end:openai-compatible:backup-model",
    ]);
    expect(log.find((event) => event.type === "step-end")).toMatchObject({
      stepId: "dig",
      model: "openai-compatible:backup-model",
    });
    expect(result.costBreakdown.subagentCents).toBe(cents("backup-model", 30, 6));
    expect(result.costBreakdown.totalCents).toBe(
      cents("main-model", 40, 8) + cents("main-model", 50, 5) + cents("backup-model", 30, 6),
    );
    expect(result.costBreakdown.byAgent.researcher).toMatchObject({
      modelCalls: 3,
      usage: { inputTokens: 30 },
    });
  });
});
