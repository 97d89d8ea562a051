/**
 * Prompt compression: a long conversation brought within a token limit, keeping the system
 * prompt and the newest turns and summarising (or trimming) the middle; then the same as an
 * agent option, before each run.
 *
 * Offline: simulated models. No key, no network.
 *
 *   npx tsx examples/prompt-compression.ts
 */
import type { ModelMessage } from "ai";
import { agent, compressMessages } from "../src/index.js";

const history: ModelMessage[] = [{ role: "system", content: "You are a travel agent." }];
for (let day = 1; day <= 12; day++) {
  history.push({
    role: "user",
    content: `Day ${day}: what should we see? We like museums, long walks and local food markets.`,
  });
  history.push({
    role: "assistant",
    content: `Day ${day}: start at the old town, walk the river, lunch at the market, a museum after.`,
  });
}
history.push({ role: "user", content: "Now book the hotel for the whole trip." });

const describe = (messages: readonly ModelMessage[]) =>
  messages.map((message) => message.role).join(" ");

const trimmed = await compressMessages(history, { maxTokens: 300 });
console.log(`${history.length} messages, ${trimmed.originalTokens} tokens`);
console.log(
  `Trimmed:    ${trimmed.messages.length} messages, ${trimmed.tokens} tokens (${trimmed.dropped} dropped)`,
);

const summarised = await compressMessages(history, {
  maxTokens: 300,
  model: "simulated:summariser",
  summaryMaxTokens: 60,
});
console.log(
  `Summarised: ${summarised.messages.length} messages, ${summarised.tokens} tokens (${summarised.summarised} folded into one summary)`,
);
console.log(`  roles: ${describe(summarised.messages)}`);

const planner = agent({
  name: "planner",
  model: "simulated:planner",
  instructions: "Plan trips.",
  compression: { maxTokens: 300, model: "simulated:summariser" },
});
const result = await planner.run(history.slice(1), {
  onEvent: (event) => {
    if (event.type === "conversation-compress") {
      console.log(
        `As an agent option: ${String(event.originalTokens)} -> ${String(event.tokens)} tokens before the run`,
      );
    }
  },
});
console.log(`  model calls: ${result.modelCalls.map((call) => call.purpose).join(", ")}`);
