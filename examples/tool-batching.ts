/**
 * Tool batching: a model asks for three customers in one step; a batch tool gets the three
 * calls together and answers them with one query. Then `batchCalls` does the same for any
 * async function.
 *
 * Offline. The model here is a clearly labelled scripted stand-in (MockLanguageModelV4
 * from ai/test): it asks for three lookups at once, as a real model's parallel tool calls
 * would, then answers.
 *
 *   npx tsx examples/tool-batching.ts
 */
import { MockLanguageModelV4 } from "ai/test";
import { z } from "zod";
import { agent } from "../src/index.js";
import { batchCalls, batchTool } from "../src/tools/index.js";

/** A stand-in database that counts its round trips. */
const table: Record<string, string> = { c1: "Ada Lovelace", c2: "Alan Turing", c3: "Grace Hopper" };
const queries: string[] = [];
async function selectCustomers(ids: string[]): Promise<Array<string | undefined>> {
  queries.push(`SELECT name FROM customers WHERE id IN (${ids.map((id) => `'${id}'`).join(", ")})`);
  return ids.map((id) => table[id]);
}

const customer = batchTool({
  description: "Looks up a customer's name by id",
  inputSchema: z.object({ id: z.string() }),
  executeBatch: async (inputs) => {
    const names = await selectCustomers(inputs.map((input) => input.id));
    return names.map((name, index) =>
      name ? { name } : new Error(`no customer ${inputs[index]!.id}`),
    );
  },
});

let step = 0;
const scripted = new MockLanguageModelV4({
  provider: "scripted",
  modelId: "stand-in",
  doGenerate: async () => {
    const usage = {
      inputTokens: { total: 40, noCache: 40, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: 12, text: 12, reasoning: 0 },
    };
    if (step++ === 0) {
      return {
        content: ["c1", "c2", "c3"].map((id, index) => ({
          type: "tool-call" as const,
          toolCallId: `call-${index + 1}`,
          toolName: "customer",
          input: JSON.stringify({ id }),
        })),
        finishReason: { unified: "tool-calls" as const, raw: "tool_calls" },
        usage,
        warnings: [],
      };
    }
    return {
      content: [{ type: "text" as const, text: "Ada Lovelace, Alan Turing and Grace Hopper." }],
      finishReason: { unified: "stop" as const, raw: "stop" },
      usage,
      warnings: [],
    };
  },
});

const clerk = agent({
  name: "clerk",
  model: scripted,
  tools: { customer },
  prices: { "scripted:stand-in": { inputPerMillion: 0.15, outputPerMillion: 0.6 } },
});
const result = await clerk.run("Who are customers c1, c2 and c3?");
console.log(`The model made ${result.toolCalls.length} tool calls in one step:`);
for (const call of result.toolCalls)
  console.log(`  ${call.toolCallId}: ${JSON.stringify(call.output)}`);
console.log(`They took ${queries.length} round trip: ${queries[0]}`);
console.log(`Answer: ${result.text}`);

const nameOf = batchCalls(selectCustomers);
const names = await Promise.all(["c3", "c1"].map(nameOf));
console.log(`batchCalls: ${names.join(" and ")}, in ${queries.length - 1} more round trip`);
