import { describe, expect, it } from "vitest";
import { countMessageTokens, estimateMessageTokens } from "./count-tokens.js";

describe("estimateMessageTokens", () => {
  it("counts a quarter of the characters, rounded up, plus 4 per message", () => {
    expect(estimateMessageTokens([])).toBe(0);
    expect(estimateMessageTokens([{ role: "user", content: "" }])).toBe(4);
    expect(estimateMessageTokens([{ role: "user", content: "hello world" }])).toBe(4 + 3);
    expect(
      estimateMessageTokens([
        { role: "system", content: "12345678" },
        { role: "user", content: [{ type: "text", text: "abcd" }] },
      ]),
    ).toBe(4 + 2 + 4 + 1);
  });

  it("reads the same parts as countMessageTokens: text, tool calls and tool results", () => {
    const messages = [
      {
        role: "assistant",
        content: [{ type: "tool-call", toolName: "search", input: { q: "tides" } }],
      },
      { role: "tool", content: [{ type: "tool-result", output: { type: "text", value: "moon" } }] },
      { role: "user", content: [{ type: "image", image: "data:..." }] },
    ];
    const toolCall = 'search({"q":"tides"})';
    const toolResult = '{"type":"text","value":"moon"}';
    expect(estimateMessageTokens(messages)).toBe(
      4 + Math.ceil(toolCall.length / 4) + 4 + Math.ceil(toolResult.length / 4) + 4,
    );
  });

  it("stays near the tokenizer's count for English prose", () => {
    const prose = [
      {
        role: "user",
        content:
          "Summarise the conversation below for the assistant who will continue it. Keep every " +
          "fact, decision, name, number and open question; drop pleasantries.",
      },
    ];
    const exact = countMessageTokens(prose);
    expect(Math.abs(estimateMessageTokens(prose) - exact) / exact).toBeLessThan(0.25);
  });
});
