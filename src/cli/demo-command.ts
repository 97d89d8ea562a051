import { tool } from "ai";
import { z } from "zod";
import { type AgentResult, agent } from "../index.js";
import { formatCents, formatDuration, oneLine } from "../views/format-values.js";
import { formatTable } from "../views/text-table.js";
import type { CliContext } from "./cli-context.js";
import { ExitCode } from "./exit-code.js";

/** The flags of `baton demo`. */
export interface DemoCommandOptions {
  /** @default "How tall is the Eiffel Tower?" */
  question?: string;
}

const almanac: Record<string, { city: string; heightMetres: number; opened: number }> = {
  "Eiffel Tower": { city: "Paris", heightMetres: 330, opened: 1889 },
  "Golden Gate Bridge": { city: "San Francisco", heightMetres: 227, opened: 1937 },
  "Burj Khalifa": { city: "Dubai", heightMetres: 828, opened: 2010 },
};

/** A tool that reads the tiny almanac and bills a hundredth of a cent per call. */
const lookup = tool({
  description: "Looks up a landmark in the almanac: its city, height and opening year.",
  inputSchema: z.object({ landmark: z.string().describe("The landmark's name") }),
  execute: async ({ landmark }) => {
    const wanted = landmark.toLowerCase();
    const name = Object.keys(almanac).find(
      (key) => key.toLowerCase().includes(wanted) || wanted.includes(key.toLowerCase()),
    );
    const facts = name
      ? { landmark: name, ...almanac[name] }
      : { error: `No entry for ${landmark}` };
    return { ...facts, costInCents: 0.01 };
  },
});

/**
 * `baton demo`: an agent on the offline simulated model answers a question with a tool,
 * then the answer, the tool calls and a usage and cost table are printed. No key, no
 * network, no store; with OPENAI_API_KEY set it asks `openai:gpt-4o-mini` instead. This is
 * what `npm run demo` runs.
 */
export async function demoCommand(
  options: DemoCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const question = options.question ?? "How tall is the Eiffel Tower?";
  const live = Boolean(context.env.OPENAI_API_KEY);
  const model = live ? "openai:gpt-4o-mini" : "simulated:guide";
  const guide = agent({
    name: "guide",
    model,
    instructions: "You answer questions about landmarks. Use the lookup tool; do not guess.",
    tools: { lookup },
    retry: { maxAttempts: 3 }, // 429s, 5xx and timeouts are retried
    timeout: { callMs: 30_000, runMs: 120_000 },
    modelOptions: { env: context.env },
    // The simulated model is free; price it like gpt-4o-mini so the table shows real-looking cents.
    ...(live ? {} : { prices: { [model]: { inputPerMillion: 0.15, outputPerMillion: 0.6 } } }),
    ...(context.clock ? { clock: context.clock } : {}),
  });
  const out = (text = "") => context.stdout.write(`${text}\n`);
  out(
    live
      ? `Model: ${model} (OPENAI_API_KEY is set)`
      : `Model: ${model} (offline, priced as if it were gpt-4o-mini; set OPENAI_API_KEY to use the real one)`,
  );
  out(`Question: ${question}`);
  out();
  const result = await guide.run(question, context.signal ? { signal: context.signal } : {});
  out(`Answer: ${result.text}`);
  out();
  out("Tool calls:");
  for (const call of result.toolCalls) {
    const outcome = call.error ? `failed: ${call.error.message}` : oneLine(call.output, 200);
    out(
      `  ${call.tool}(${oneLine(call.input, 100)}) -> ${outcome}  [${formatDuration(call.durationMs)}]`,
    );
  }
  out();
  out(costTable(result));
  out();
  out(
    `Cost: ${formatCents(result.cost.modelCents)} for the model + ${formatCents(result.cost.toolCents)} for tools = ${formatCents(result.cost.totalCents)}`,
  );
  out();
  out(
    "Next: npm run baton -- run examples/support-routing.yaml   (a workflow spec on simulated models)",
  );
  return ExitCode.success;
}

function costTable(result: AgentResult): string {
  const rows = result.modelCalls.map((call, index) => [
    `#${index + 1} ${call.purpose}`,
    call.model,
    String(call.attempt),
    String(call.usage.inputTokens),
    String(call.usage.outputTokens),
    formatDuration(call.durationMs),
    call.error ? `failed: ${call.error.name}` : formatCents(call.costCents),
  ]);
  rows.push([
    "total",
    "",
    "",
    String(result.usage.inputTokens),
    String(result.usage.outputTokens),
    "",
    formatCents(result.cost.modelCents),
  ]);
  return formatTable(["model call", "model", "attempt", "input", "output", "time", "cost"], rows, {
    alignRight: [2, 3, 4, 5, 6],
  });
}
