/**
 * Customer support: a main agent routes each message to the right support subagent
 * (billing, shipping or technical) through delegate_to_subagents; each subagent has only
 * its own tools. Then follow-up work goes through the task queue: at most two tasks run at
 * once, and when more wait, urgent ones start first.
 *
 * Runs offline: the subagents are simulated models. The main agent is a scripted keyword
 * router (see `keywordRouter` below), so routing is deterministic.
 *
 *   npx tsx examples/customer-support.ts
 */
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
} from "@ai-sdk/provider";
import { tool } from "ai";
import { z } from "zod";
import { agent } from "../src/index.js";
import { DELEGATE_TOOL, Orchestrator, type Task } from "../src/orchestrator/index.js";
import { MemoryStore } from "../src/stores/memory/index.js";
import { calculator } from "../src/tools/index.js";
import { toolTrace } from "../src/views/index.js";

const invoices: Record<string, { amountEuros: number; status: string }> = {
  "INV-1001": { amountEuros: 42.5, status: "paid" },
  "INV-1002": { amountEuros: 19.99, status: "overdue" },
};
const parcels: Record<string, string> = { PX42: "out for delivery", PX43: "held at customs" };

const lookupInvoice = tool({
  description: "Looks up an invoice by its number: amount and status.",
  inputSchema: z.object({ invoice: z.string().meta({ examples: ["INV-1002"] }) }),
  execute: async ({ invoice }) => invoices[invoice] ?? { error: `No invoice ${invoice}` },
});
const trackParcel = tool({
  description: "Tracks a parcel by its tracking code.",
  inputSchema: z.object({ trackingCode: z.string().meta({ examples: ["PX42"] }) }),
  execute: async ({ trackingCode }) => ({
    trackingCode,
    status: parcels[trackingCode] ?? "unknown code",
  }),
});

const billing = agent({
  name: "billing",
  model: "simulated:billing",
  instructions: "You answer billing questions: invoices, refunds, payments.",
  tools: { lookup_invoice: lookupInvoice, calculator: calculator() },
});
const shipping = agent({
  name: "shipping",
  model: "simulated:shipping",
  instructions: "You answer shipping questions: deliveries, parcels, returns.",
  tools: { track_parcel: trackParcel },
});
const technical = agent({
  name: "technical",
  model: "simulated:technical",
  instructions: "You answer technical questions about the app and the account.",
});

/**
 * SCRIPTED STAND-IN FOR A REAL MAIN MODEL. A real model reads the message and picks the
 * subagent; this one routes by keywords so the example is deterministic. First call: it
 * calls delegate_to_subagents with one task for the chosen subagent. Second call (the
 * tool's result is in): it answers with the subagent's answer. It reports no tokens.
 */
function keywordRouter(): LanguageModelV4 {
  const routes: Array<[RegExp, string]> = [
    [/invoice|refund|charge|paid|payment|bill/i, "billing"],
    [/parcel|deliver|shipping|tracking|package/i, "shipping"],
  ];
  const noUsage = {
    inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 0, text: 0, reasoning: 0 },
  };
  const lastUserText = (call: LanguageModelV4CallOptions) => {
    const message = call.prompt.findLast((entry) => entry.role === "user");
    return message?.content.map((part) => (part.type === "text" ? part.text : "")).join(" ") ?? "";
  };
  return {
    specificationVersion: "v4",
    provider: "scripted",
    modelId: "keyword-router",
    supportedUrls: {},
    async doGenerate(call) {
      const toolMessage = call.prompt.findLast((entry) => entry.role === "tool");
      let content: LanguageModelV4Content[];
      if (toolMessage) {
        const result = toolMessage.content.find((part) => part.type === "tool-result");
        const output =
          result?.output.type === "json"
            ? (result.output.value as { tasks?: Array<{ agent: string; output?: unknown }> })
            : undefined;
        const task = output?.tasks?.[0];
        content = [
          {
            type: "text",
            text: `(${task?.agent ?? "nobody"}) ${String(task?.output ?? "No answer.")}`,
          },
        ];
      } else {
        const question = lastUserText(call);
        const target = routes.find(([pattern]) => pattern.test(question))?.[1] ?? "technical";
        const input = { tasks: [{ id: "answer", agent: target, description: question }] };
        content = [
          {
            type: "tool-call",
            toolCallId: `route-${target}`,
            toolName: DELEGATE_TOOL,
            input: JSON.stringify(input),
          },
        ];
      }
      const toolCalls = content.some((part) => part.type === "tool-call");
      return {
        content,
        finishReason: toolCalls
          ? { unified: "tool-calls", raw: "tool_calls" }
          : { unified: "stop", raw: "stop" },
        usage: noUsage,
        warnings: [],
      };
    },
    async doStream() {
      throw new Error("keywordRouter does not stream");
    },
  };
}

const desk = new Orchestrator({
  name: "support",
  mainAgent: {
    name: "router",
    model: keywordRouter(),
    instructions: "Route each message to one specialist.",
  },
  subagents: [
    { agent: billing, description: "Invoices, refunds and payments" },
    { agent: shipping, description: "Deliveries, parcels and returns" },
    { agent: technical, description: "The app, logins and the account" },
  ],
  maxParallelTasks: 2,
  prices: { "scripted:keyword-router": { inputPerMillion: 0, outputPerMillion: 0 } },
  store: new MemoryStore(),
});

const messages = [
  "Was invoice INV-1002 paid? I think I was charged twice.",
  "Where is my parcel PX42? It should have been delivered yesterday.",
  "The app logs me out every time I open it.",
];

let lastRun = "";
for (const message of messages) {
  const result = await desk.process(message);
  const routed = result.toolOutputs.find((call) => call.tool === DELEGATE_TOOL);
  const agentName = (routed?.input as { tasks?: Array<{ agent: string }> } | undefined)?.tasks?.[0]
    ?.agent;
  const tools = result.toolOutputs
    .filter((call) => call.agent !== "router")
    .map((call) => `${call.tool} ${call.error ? "✗" : "✓"}`);
  console.log(`Customer: ${message}`);
  console.log(
    `  routed to: ${agentName}${tools.length > 0 ? ` (tools: ${tools.join(", ")})` : ""}`,
  );
  console.log(
    `  reply: ${result.content.slice(0, 160)}${result.content.length > 160 ? "…" : ""}\n`,
  );
  lastRun = result.runId;
}

console.log("Tool trace of the last conversation:");
console.log(await toolTrace({ store: desk.store, runId: lastRun }));

// Follow-up work through the queue: two at once; urgent tasks jump the queue.
console.log("\nFollow-ups (2 at a time, highest priority first):");
desk.on("task-start", (event) => {
  const { task } = event as { task: Task };
  console.log(`  start  ${task.id} (${task.agent}, priority ${task.priority}): ${task.input}`);
});
const followUps = [
  desk.submit("technical", "Write a note on the logout bug for the changelog.", { priority: 0 }),
  desk.submit("shipping", "Email the customer about PX43 held at customs.", { priority: 0 }),
  desk.submit("billing", "Refund the duplicate charge on INV-1002.", {
    priority: 10,
    metadata: { urgent: true },
  }),
  desk.submit("shipping", "Check PX42 was delivered.", { priority: 1 }),
];
for (const task of followUps) await task.done;
for (const task of followUps)
  console.log(`  ${task.status.padEnd(9)} ${task.id} → ${String(task.output).slice(0, 80)}…`);
