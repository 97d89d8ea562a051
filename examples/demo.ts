/**
 * Baton in one minute: an agent with a tool answers a question, then shows what it did
 * and what it cost. Runs offline on a simulated model; with OPENAI_API_KEY set it uses
 * openai:gpt-4o-mini instead.
 *
 *   npm run demo
 */
import { tool } from "ai";
import { z } from "zod";
import { type AgentResult, agent } from "../src/index.js";

// A tool is an AI SDK tool(). This one reads a tiny almanac and bills a hundredth of a cent.
const almanac: Record<string, { city: string; heightMetres: number; opened: number }> = {
  "Eiffel Tower": { city: "Paris", heightMetres: 330, opened: 1889 },
  "Golden Gate Bridge": { city: "San Francisco", heightMetres: 227, opened: 1937 },
  "Burj Khalifa": { city: "Dubai", heightMetres: 828, opened: 2010 },
};

const lookup = tool({
  description: "Looks up a landmark in the almanac: its city, height and opening year.",
  inputSchema: z.object({ landmark: z.string().describe("The landmark's name") }),
  execute: async ({ landmark }) => {
    const wanted = landmark.toLowerCase();
    const name = Object.keys(almanac).find((key) => key.toLowerCase().includes(wanted));
    const facts = name
      ? { landmark: name, ...almanac[name] }
      : { error: `No entry for ${landmark}` };
    return { ...facts, costInCents: 0.01 };
  },
});

const live = Boolean(process.env.OPENAI_API_KEY);
const model = live ? "openai:gpt-4o-mini" : "simulated:guide";

const guide = agent({
  name: "guide",
  model,
  instructions: "You answer questions about landmarks. Use the lookup tool; do not guess.",
  tools: { lookup },
  // The simulated model is free; price it like gpt-4o-mini so the table shows real-looking cents.
  prices: { "simulated:guide": { inputPerMillion: 0.15, outputPerMillion: 0.6 } },
});

console.log(
  live
    ? `Model: ${model}`
    : `Model: ${model} (offline, priced as if it were gpt-4o-mini; set OPENAI_API_KEY to use the real one)`,
);
const question = "How tall is the Eiffel Tower?";
console.log(`Question: ${question}\n`);

const result = await guide.run(question);

console.log(`Answer: ${result.text}\n`);
console.log("Tool calls:");
for (const call of result.toolCalls) {
  const outcome = call.error ? `failed: ${call.error.message}` : JSON.stringify(call.output);
  console.log(
    `  ${call.tool}(${JSON.stringify(call.input)}) -> ${outcome}  [${call.durationMs} ms]`,
  );
}
console.log();
printCostTable(result);

function printCostTable(run: AgentResult): void {
  const cents = (value: number | null) => (value === null ? "unknown" : `${value.toFixed(4)}¢`);
  const rows = run.modelCalls.map((call, index) => [
    `#${index + 1} ${call.purpose}`,
    call.model,
    String(call.attempt),
    String(call.usage.inputTokens),
    String(call.usage.outputTokens),
    `${call.durationMs} ms`,
    call.error ? `failed: ${call.error.name}` : cents(call.costCents),
  ]);
  rows.push([
    "total",
    "",
    "",
    String(run.usage.inputTokens),
    String(run.usage.outputTokens),
    "",
    cents(run.cost.modelCents),
  ]);
  const header = ["model call", "model", "attempt", "input", "output", "time", "cost"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log(line(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const row of rows) console.log(line(row));
  console.log();
  console.log(
    `Cost: ${cents(run.cost.modelCents)} for the model + ${cents(run.cost.toolCents)} for tools = ${cents(run.cost.totalCents)}`,
  );
}
