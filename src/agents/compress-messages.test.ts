import type { ModelMessage } from "ai";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agent } from "./agent.js";
import { compressMessages } from "./compress-messages.js";
import { countMessageTokens, countText } from "./count-tokens.js";
import { eventLog, providerUsage, scriptedModel, testPrices, textReply } from "./test-support.js";

const filler = "The tide tables for the northern harbour list every high and low water. ";

/** A system prompt, then `turns` user/assistant pairs of about 60 tokens each. */
function conversation(turns: number): ModelMessage[] {
  const messages: ModelMessage[] = [{ role: "system", content: "You are a harbour pilot." }];
  for (let turn = 1; turn <= turns; turn++) {
    messages.push({ role: "user", content: `Question ${turn}: ${filler.repeat(2)}` });
    messages.push({ role: "assistant", content: `Answer ${turn}: ${filler.repeat(2)}` });
  }
  messages.push({ role: "user", content: "And the next high water?" });
  return messages;
}

const textOf = (message: ModelMessage | undefined) =>
  typeof message?.content === "string" ? message.content : JSON.stringify(message?.content);

describe("compressMessages", () => {
  it("returns messages already within maxTokens as they are", async () => {
    const messages = conversation(2);
    const result = await compressMessages(messages, { maxTokens: 10_000 });
    expect(result.messages).toEqual(messages);
    expect(result).toMatchObject({ summarised: 0, dropped: 0, truncated: false });
    expect(result.tokens).toBe(countMessageTokens(messages));
  });

  it("keeps the system prompt and the latest turns and trims the middle, within maxTokens", async () => {
    const messages = conversation(20);
    expect(countMessageTokens(messages)).toBeGreaterThan(1_000);
    const result = await compressMessages(messages, { maxTokens: 300 });
    expect(result.tokens).toBeLessThanOrEqual(300);
    expect(countMessageTokens(result.messages)).toBe(result.tokens);
    expect(result.messages[0]).toEqual(messages[0]);
    expect(result.messages.at(-1)).toEqual(messages.at(-1));
    // The newest messages, in order, with nothing of the middle.
    const kept = result.messages.slice(1);
    expect(kept).toEqual(messages.slice(messages.length - kept.length));
    expect(result.dropped).toBe(messages.length - 1 - kept.length);
    expect(result.summarised).toBe(0);
  });

  it("summarises the middle with a model into one message, and bills the summary call", async () => {
    const summariser = scriptedModel(
      "alpha",
      textReply("The pilot answered twenty questions on tides.", providerUsage(900, 12)),
    );
    const messages = conversation(20);
    const result = await compressMessages(messages, {
      maxTokens: 400,
      model: summariser,
      summaryMaxTokens: 50,
    });
    expect(result.tokens).toBeLessThanOrEqual(400);
    expect(result.messages[0]).toEqual(messages[0]);
    expect(textOf(result.messages[1])).toContain("The pilot answered twenty questions on tides.");
    expect(result.messages.at(-1)).toEqual(messages.at(-1));
    expect(result.summarised).toBeGreaterThan(0);
    expect(result.dropped).toBe(0);
    expect(result.usage).toMatchObject({ inputTokens: 900, outputTokens: 12 });
    // The summariser read the middle (the first question) and was told the limit.
    const prompt = JSON.stringify(summariser.doGenerateCalls[0]?.prompt);
    expect(prompt).toContain("Question 1:");
    expect(prompt).toContain("at most 50 tokens");
  });

  it("cuts a summary that runs past its limit", async () => {
    const rambling = scriptedModel("alpha", textReply(filler.repeat(50)));
    const result = await compressMessages(conversation(20), {
      maxTokens: 400,
      model: rambling,
      summaryMaxTokens: 30,
    });
    expect(result.tokens).toBeLessThanOrEqual(400);
    const summary = textOf(result.messages[1]).replace("Summary of the conversation so far:\n", "");
    expect(countText(summary)).toBeLessThanOrEqual(30);
  });

  it("never keeps a tool result without the assistant message that called the tool", async () => {
    const messages: ModelMessage[] = [
      { role: "user", content: filler.repeat(10) },
      {
        role: "assistant",
        content: [{ type: "tool-call", toolCallId: "c1", toolName: "tides", input: {} }],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "tides",
            output: { type: "text", value: filler.repeat(3) },
          },
        ],
      },
      { role: "user", content: "Thanks. When is the next one?" },
    ];
    const budget = countMessageTokens(messages.slice(2)) + 2;
    const result = await compressMessages(messages, { maxTokens: budget });
    expect(result.messages[0]?.role).not.toBe("tool");
    expect(result.messages.at(-1)).toEqual(messages[3]);
    expect(result.tokens).toBeLessThanOrEqual(budget);
  });

  it("cuts the newest message short when it alone is over the limit", async () => {
    const messages: ModelMessage[] = [{ role: "user", content: filler.repeat(40) }];
    const result = await compressMessages(messages, { maxTokens: 50 });
    expect(result.truncated).toBe(true);
    expect(result.tokens).toBeLessThanOrEqual(50);
    expect(textOf(result.messages[0]).startsWith("The tide tables")).toBe(true);
  });

  it("keeps any conversation within any limit, trimmed or summarised, or says why it cannot", async () => {
    const words = fc.array(
      fc.constantFrom("tide", "harbour", "06:12", "pilot", "ébb", "🌊", "\n"),
      {
        maxLength: 120,
      },
    );
    const turn = fc.oneof(
      words.map((text): ModelMessage[] => [{ role: "user", content: text.join(" ") }]),
      words.map((text): ModelMessage[] => [{ role: "assistant", content: text.join(" ") }]),
      words.map((text): ModelMessage[] => [
        {
          role: "assistant",
          content: [{ type: "tool-call", toolCallId: "c", toolName: "tides", input: {} }],
        },
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "c",
              toolName: "tides",
              output: { type: "text", value: text.join(" ") },
            },
          ],
        },
      ]),
    );
    const cases = fc.record({
      system: fc.option(words, { nil: undefined }),
      turns: fc.array(turn, { minLength: 1, maxLength: 12 }),
      maxTokens: fc.integer({ min: 1, max: 600 }),
      summaryWords: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ system, turns, maxTokens, summaryWords }) => {
        const messages: ModelMessage[] = [
          ...(system ? [{ role: "system" as const, content: system.join(" ") }] : []),
          ...turns.flat(),
        ];
        const model =
          summaryWords === undefined
            ? undefined
            : scriptedModel("alpha", textReply("summary ".repeat(summaryWords)));
        const outcome = await compressMessages(messages, {
          maxTokens,
          ...(model ? { model } : {}),
        }).catch((error: unknown) => error);
        if (outcome instanceof TypeError) {
          expect(outcome.message).toMatch(
            /leave room beyond the system prompt|newest message is a tool result longer than maxTokens/,
          );
          return;
        }
        const result = outcome as Awaited<ReturnType<typeof compressMessages>>;
        expect(result.tokens).toBeLessThanOrEqual(maxTokens);
        expect(countMessageTokens(result.messages)).toBe(result.tokens);
        // Every tool result still follows the assistant message that called the tool.
        result.messages.forEach((message, index) => {
          if (message.role !== "tool") return;
          const caller = result.messages.slice(0, index).findLast((m) => m.role !== "tool");
          expect(caller?.role).toBe("assistant");
        });
      }),
      { numRuns: 300, seed: 20_261_202 },
    );
  });

  it("rejects a limit that leaves no room beyond the system prompt, and bad options", async () => {
    await expect(compressMessages(conversation(3), { maxTokens: 5 })).rejects.toThrow(
      /maxTokens to leave room beyond the system prompt/,
    );
    await expect(compressMessages(conversation(1), { maxTokens: 0 })).rejects.toThrow(
      /options\.maxTokens to be an integer > 0, received 0/,
    );
    await expect(compressMessages("hi" as never, { maxTokens: 10 })).rejects.toThrow(TypeError);
  });
});

describe("Agent compression", () => {
  it("sends the model a conversation within compression.maxTokens, instructions included", async () => {
    const model = scriptedModel(
      "alpha",
      textReply("summary of the early questions"),
      textReply("High water at 06:12."),
    );
    const log = eventLog();
    const pilot = agent({
      name: "pilot",
      model,
      prices: testPrices,
      instructions: "Answer in one line.",
      compression: { maxTokens: 350, model },
    });
    const input = conversation(20).slice(1);
    const result = await pilot.run(input, { onEvent: log.emit });
    expect(result.text).toBe("High water at 06:12.");
    expect(model.doGenerateCalls).toHaveLength(2);
    const answerPrompt = model.doGenerateCalls[1]!.prompt;
    expect(countMessageTokens(answerPrompt)).toBeLessThanOrEqual(350);
    expect(JSON.stringify(answerPrompt)).toContain("summary of the early questions");
    expect(result.modelCalls.map((call) => call.purpose)).toEqual(["summary", "step"]);
    expect(log.events.find((event) => event.type === "conversation-compress")).toMatchObject({
      agent: "pilot",
      originalTokens: expect.any(Number),
      tokens: expect.any(Number),
      summarised: expect.any(Number),
    });
  });

  it("drops the middle when compression has no model", async () => {
    const model = scriptedModel("alpha", textReply("ok"));
    const pilot = agent({
      name: "pilot",
      model,
      prices: testPrices,
      compression: { maxTokens: 200 },
    });
    await pilot.run(conversation(20).slice(1));
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(countMessageTokens(model.doGenerateCalls[0]!.prompt)).toBeLessThanOrEqual(200);
  });
});

describe("Memory summaryMaxTokens", () => {
  it("asks for a summary of at most summaryMaxTokens and cuts a longer one", async () => {
    const summaries = scriptedModel("beta", textReply(filler.repeat(30)));
    const model = scriptedModel("alpha", textReply(filler.repeat(4)));
    const pilot = agent({
      name: "pilot",
      model,
      prices: testPrices,
      memory: { tokenThreshold: 150, keepLast: 2, summaryModel: summaries, summaryMaxTokens: 20 },
    });
    for (let turn = 1; turn <= 4; turn++) await pilot.run(`Question ${turn}: ${filler}`);
    expect(summaries.doGenerateCalls.length).toBeGreaterThan(0);
    expect(summaries.doGenerateCalls[0]?.maxOutputTokens).toBe(20);
    const lastPrompt = model.doGenerateCalls.at(-1)!.prompt;
    const summary = JSON.stringify(lastPrompt).match(
      /Summary of the conversation so far:\\n(.*?)"/,
    )?.[1];
    expect(summary).toBeDefined();
    expect(countText(summary!)).toBeLessThanOrEqual(20);
    expect(countText(summary!)).toBeGreaterThan(10);
  });
});
