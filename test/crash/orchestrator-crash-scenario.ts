/**
 * The orchestrator crash test's scenario, shared by the test (which runs the fake
 * OpenAI-compatible server) and its worker lives (which run the orchestrator):
 *
 * - the main agent (`main-model`) plans: it calls `plan_and_create_subagents` once;
 * - the designer (`designer-model`) plans five subagents, one task each, all parallel;
 * - each subagent (`sub-model`) calls the calculator, then answers with its result;
 * - the main agent then writes its synthesis of the five answers.
 *
 * Replies are a function of the request alone (which agent asks, and what it has seen),
 * so a call made again after a crash gets the same answer, and usage is counted from the
 * request's tokens, so it is the same too.
 */

import type { RunStore } from "../../src/core/ports/run-store.js";
import { sequentialIdGenerator } from "../../src/engine/index.js";
import type { PriceTable } from "../../src/models/index.js";
import { Orchestrator, PLAN_TOOL } from "../../src/orchestrator/index.js";
import type { FakeReply, FakeRequest } from "../../src/testing/index.js";
import { calculator } from "../../src/tools/index.js";

/** The five subagents the designer plans. */
export const topics = ["tides", "winds", "waves", "currents", "ice"] as const;

export const orchestratorTask = "Write a short report on five forces of the sea.";

/** Whole cents per token, so every call costs an exact number of cents. */
const prices: PriceTable = {
  "openai-compatible:main-model": { inputPerMillion: 10_000, outputPerMillion: 20_000 },
  "openai-compatible:designer-model": { inputPerMillion: 20_000, outputPerMillion: 40_000 },
  "openai-compatible:sub-model": { inputPerMillion: 5_000, outputPerMillion: 10_000 },
};

/** The orchestrator each life builds: the same options every time, on `store`. */
export function crashOrchestrator(store: RunStore, baseURL: string): Orchestrator {
  return new Orchestrator({
    name: "sea-report",
    store,
    mainAgent: { name: "lead", model: "openai-compatible:main-model" },
    designerModel: "openai-compatible:designer-model",
    subagentModel: "openai-compatible:sub-model",
    availableTools: { calculator: calculator() },
    // Which life (process) made each request, for the test to tell.
    modelOptions: { baseURL, env: {}, headers: { "x-life": String(process.pid) } },
    maxParallelTasks: 5,
    prices,
    // The same run id in every run of the scenario: it is in the prompts (the delegation's
    // run id), so prompts, and the tokens counted from them, are the same too.
    ids: sequentialIdGenerator(),
  });
}

const plan = JSON.stringify({
  agents: topics.map((topic, index) => ({
    name: `${topic}-expert`,
    instructions: `Research ${topic}. Compute figure ${index + 1} with the calculator, then report it.`,
    tools: ["calculator"],
    tasks: [{ id: topic, description: `Report on ${topic}.` }],
  })),
});

type Message = NonNullable<NonNullable<FakeRequest["body"]>["messages"]>[number];

function textOf(message: Message | undefined): string {
  const content = message?.content;
  return typeof content === "string" ? content : JSON.stringify(content ?? "");
}

/** Which call of the scenario a request is (the same for a call made again after a crash). */
export function requestKey(request: FakeRequest): string {
  const messages = request.body?.messages ?? [];
  const turn = messages.filter((message) => message.role === "tool").length;
  const model = request.body?.model ?? "?";
  if (model !== "sub-model") return `${model}:${turn}`;
  const instructions = textOf(messages.find((message) => message.role === "system"));
  const topic = topics.find((candidate) => instructions.includes(`Research ${candidate}.`));
  return `${model}:${topic ?? "?"}:${turn}`;
}

/** The reply to one request of the scenario, with a delay that depends on who asks. */
export function scenarioReply(request: FakeRequest): FakeReply {
  const messages = request.body?.messages ?? [];
  const toolResults = messages.filter((message) => message.role === "tool");
  switch (request.body?.model) {
    case "main-model": {
      if (toolResults.length === 0) {
        return {
          delayMs: 120,
          toolCalls: [{ name: PLAN_TOOL, id: "plan-1", arguments: { goal: orchestratorTask } }],
        };
      }
      const outcome = JSON.parse(textOf(toolResults[0])) as {
        tasks: Array<{ id: string; output: unknown }>;
      };
      const parts = outcome.tasks.map((task) => `${task.id}: ${String(task.output)}`);
      return { delayMs: 120, text: `Report. ${parts.join(" | ")}` };
    }
    case "designer-model":
      return { delayMs: 150, text: plan };
    case "sub-model": {
      const instructions = textOf(messages.find((message) => message.role === "system"));
      const index = topics.findIndex((topic) => instructions.includes(`Research ${topic}.`));
      const topic = topics[index] ?? "unknown";
      if (toolResults.length === 0) {
        return {
          delayMs: 60 + 25 * index,
          toolCalls: [
            {
              name: "calculator",
              id: `calc-${topic}`,
              arguments: { expression: `${index + 1} * 111` },
            },
          ],
        };
      }
      const { result } = JSON.parse(textOf(toolResults[0])) as { result: number };
      return { delayMs: 40 + 15 * index, text: `${topic} measure ${result}` };
    }
    default:
      return { fault: "server-error", message: `unexpected model ${request.body?.model}` };
  }
}
