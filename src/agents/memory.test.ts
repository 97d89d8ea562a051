import type { ModelMessage } from "ai";
import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { agent } from "./agent.js";
import { countMessageTokens } from "./count-tokens.js";
import { ConversationMemory } from "./memory.js";
import {
  eventLog,
  expectedCents,
  providerUsage,
  scriptedModel,
  testPrices,
  textReply,
  toolCallReply,
} from "./test-support.js";

const long = (word: string) => Array.from({ length: 60 }, () => word).join(" ");

function promptTexts(prompt: unknown): string {
  return JSON.stringify(prompt);
}

describe("Agent memory", () => {
  it("keeps the conversation across runs", async () => {
    const model = scriptedModel("alpha", textReply("Hello Ada."), textReply("Your name is Ada."));
    const assistant = agent({ name: "a", model, memory: { tokenThreshold: 10_000 } });
    await assistant.run("My name is Ada.");
    await assistant.run("What is my name?");
    expect(model.doGenerateCalls[1]?.prompt.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "user",
    ]);
    expect(promptTexts(model.doGenerateCalls[1]?.prompt)).toContain("My name is Ada.");
  });

  it("summarises the older messages in one call once the threshold is passed, keeping the last N", async () => {
    const model = scriptedModel(
      "alpha",
      textReply(long("alpha")),
      textReply(long("beta")),
      textReply("third answer"),
    );
    const summarizer = scriptedModel(
      "gamma",
      textReply("SUMMARY: alpha then beta.", providerUsage(120, 8)),
    );
    const log = eventLog();
    const assistant = agent({
      name: "a",
      model,
      prices: testPrices,
      memory: {
        tokenThreshold: 100,
        keepLast: 2,
        summaryModel: summarizer,
        summaryInstructions: "Be brief.",
      },
    });
    await assistant.run("first question");
    // 2 messages (~70 tokens): under the threshold, nothing to summarise yet.
    const second = await assistant.run("second question");
    expect(summarizer.doGenerateCalls).toHaveLength(0);
    expect(second.modelCalls.every((call) => call.purpose === "step")).toBe(true);

    const third = await assistant.run("third question", { onEvent: log.emit });
    expect(summarizer.doGenerateCalls).toHaveLength(1);
    const summaryPrompt = summarizer.doGenerateCalls[0]?.prompt ?? [];
    expect(summaryPrompt[0]).toEqual({ role: "system", content: "Be brief." });
    // The older messages (all but the last two) went into the summary...
    expect(promptTexts(summaryPrompt)).toContain("first question");
    expect(promptTexts(summaryPrompt)).toContain("second question");
    expect(promptTexts(summaryPrompt)).not.toContain("beta beta");
    // ...and the model saw the summary, the last two messages verbatim, nothing else.
    const prompt = model.doGenerateCalls[2]?.prompt ?? [];
    expect(prompt.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
    expect(promptTexts(prompt[0])).toContain("SUMMARY: alpha then beta.");
    expect(promptTexts(prompt[1])).toContain("beta beta");
    expect(promptTexts(prompt[2])).toContain("third question");
    expect(promptTexts(prompt)).not.toContain("first question");

    // The summary call is on the books.
    expect(third.modelCalls.map((call) => [call.purpose, call.model])).toEqual([
      ["summary", "mock:gamma"],
      ["step", "mock:alpha"],
    ]);
    expect(third.usage.inputTokens).toBe(120 + 10);
    expect(third.cost.modelCents).toBeCloseTo(
      expectedCents("mock:gamma", 120, 8) + expectedCents("mock:alpha", 10, 5),
      10,
    );
    expect(log.types().slice(0, 3)).toEqual(["agent-start", "model-call-start", "model-call-end"]);

    // The summary replaced the older messages for good: the next run starts from it.
    await assistant.run("fourth");
    expect(promptTexts(model.doGenerateCalls[3]?.prompt)).not.toContain("first question");
  });

  it("forgets everything on clearMemory()", async () => {
    const model = scriptedModel("alpha", textReply("noted"));
    const assistant = agent({ name: "a", model, memory: { tokenThreshold: 10_000 } });
    await assistant.run("remember 42");
    assistant.clearMemory();
    await assistant.run("what number?");
    expect(model.doGenerateCalls[1]?.prompt.map((message) => message.role)).toEqual(["user"]);
    expect(promptTexts(model.doGenerateCalls[1]?.prompt)).not.toContain("42");
  });

  it("runs one turn at a time, so each run sees the previous one's messages", async () => {
    const model = scriptedModel("alpha", textReply("one"), textReply("two"));
    const assistant = agent({ name: "a", model, memory: { tokenThreshold: 10_000 } });
    await Promise.all([assistant.run("first"), assistant.run("second")]);
    expect(promptTexts(model.doGenerateCalls[1]?.prompt)).toContain("first");
  });

  it("remembers tool calls and results, and does not keep a failed run's input", async () => {
    const model = scriptedModel(
      "alpha",
      toolCallReply([{ name: "clock", input: {} }]),
      textReply("It is noon."),
      new Error("boom"),
      textReply("later"),
    );
    const assistant = agent({
      name: "a",
      model,
      retry: 1,
      memory: { tokenThreshold: 10_000 },
      tools: { clock: tool({ inputSchema: z.object({}), execute: async () => "12:00" }) },
    });
    await assistant.run("Time?");
    await expect(assistant.run("This one fails")).rejects.toThrow("boom");
    await assistant.run("And now?");
    const roles = model.doGenerateCalls[3]?.prompt.map((message) => message.role);
    expect(roles).toEqual(["user", "assistant", "tool", "assistant", "user"]);
    expect(promptTexts(model.doGenerateCalls[3]?.prompt)).not.toContain("This one fails");
  });
});

describe("ConversationMemory", () => {
  const message = (role: "user" | "assistant", text: string): ModelMessage => ({
    role,
    content: text,
  });

  it("plans nothing under the threshold", () => {
    const memory = new ConversationMemory({ tokenThreshold: 1000, keepLast: 2 });
    expect(memory.plan([message("user", "hi"), message("assistant", "hello")], 1)).toBeUndefined();
  });

  it("never cuts between a tool call and its result", () => {
    const conversation: ModelMessage[] = [
      message("user", long("one")),
      {
        role: "assistant",
        content: [{ type: "tool-call", toolCallId: "c", toolName: "lookup", input: {} }],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c",
            toolName: "lookup",
            output: { type: "text", value: "x" },
          },
        ],
      },
      message("assistant", "done"),
      message("user", "next"),
    ];
    const memory = new ConversationMemory({ tokenThreshold: 10, keepLast: 3 });
    const plan = memory.plan(conversation, 4);
    expect(plan?.older.map((item) => item.role)).toEqual(["user"]);
    expect(plan?.kept.map((item) => item.role)).toEqual(["assistant", "tool", "assistant", "user"]);
  });

  it("never summarises the current run's input", () => {
    const memory = new ConversationMemory({ tokenThreshold: 10, keepLast: 1 });
    const plan = memory.plan(
      [message("user", long("old")), message("user", long("new")), message("user", "x")],
      1,
    );
    expect(plan?.older).toHaveLength(1);
    expect(plan?.kept).toHaveLength(2);
  });

  it("counts tokens with gpt-tokenizer, special tokens included as text", () => {
    expect(countMessageTokens([message("user", "hello world")])).toBe(4 + 2);
    expect(countMessageTokens([message("user", "<|endoftext|>")])).toBeGreaterThan(4);
  });
});
