import type { LanguageModelV4CallOptions, LanguageModelV4GenerateResult } from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";
import type { z } from "zod";
import { sumCost, sumUsage } from "../engine/index.js";
import { type Agent, agent, type BatonEvent, type CostBreakdown, type Usage } from "../index.js";

/** Test helpers for the pattern tests (not exported from the package). */

/** A scripted reply: fixed text, or text made from the prompt and the call's number (1-based). */
export type Reply = string | ((prompt: string, call: number) => string);

/** Every mock call of a test: what it spent, and how many ran at once. */
export class MockLedger {
  readonly usages: Usage[] = [];
  readonly costs: CostBreakdown[] = [];
  /** `agent: prompt` of every call, in the order the calls started. */
  readonly calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;

  usage(): Usage {
    return sumUsage(this.usages);
  }

  cost(): CostBreakdown {
    return sumCost(this.costs);
  }
}

export interface MockAgent<OUTPUT> {
  agent: Agent<OUTPUT>;
  model: MockLanguageModelV4;
  /** The last user message of each call, in order. */
  prompts: string[];
}

/** 1 cent per input token, 2 cents per output token. */
const inputCentsPerToken = 1;
const outputCentsPerToken = 2;

/** The last user message of a call, as text. */
export function promptOf(call: LanguageModelV4CallOptions): string {
  const user = call.prompt.filter((message) => message.role === "user").at(-1);
  if (!user) return "";
  return user.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/**
 * An agent on a MockLanguageModelV4 that plays `replies` in order (the last one repeats).
 * Call `n` (1-based) reports `10 + n` input and `5 + n` output tokens, priced at 1 and 2
 * cents per token, and records itself in `ledger`. `delayMs` keeps a call in flight.
 */
export function mockAgent<OUTPUT = string>(
  name: string,
  replies: Reply | readonly Reply[],
  options: {
    ledger: MockLedger;
    output?: z.ZodType<OUTPUT>;
    delayMs?: number;
    instructions?: string;
  },
): MockAgent<OUTPUT> {
  const { ledger, delayMs = 0 } = options;
  const script = Array.isArray(replies) ? replies : [replies];
  const prompts: string[] = [];
  const model = new MockLanguageModelV4({
    provider: "mock",
    modelId: name,
    doGenerate: async (call): Promise<LanguageModelV4GenerateResult> => {
      const prompt = promptOf(call);
      prompts.push(prompt);
      ledger.calls.push(`${name}: ${prompt}`);
      const number = prompts.length;
      ledger.inFlight++;
      ledger.maxInFlight = Math.max(ledger.maxInFlight, ledger.inFlight);
      try {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        const reply = script[Math.min(number - 1, script.length - 1)]!;
        const text = typeof reply === "function" ? reply(prompt, number) : reply;
        const input = 10 + number;
        const output = 5 + number;
        ledger.usages.push({
          inputTokens: input,
          outputTokens: output,
          cachedInputTokens: 0,
          reasoningTokens: 0,
          totalTokens: input + output,
        });
        const cents = input * inputCentsPerToken + output * outputCentsPerToken;
        ledger.costs.push({
          modelCents: cents,
          toolCents: 0,
          totalCents: cents,
          unpricedModels: [],
        });
        return {
          content: [{ type: "text", text }],
          finishReason: { unified: "stop", raw: "stop" },
          usage: {
            inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
            outputTokens: { total: output, text: output, reasoning: 0 },
          },
          warnings: [],
        };
      } finally {
        ledger.inFlight--;
      }
    },
  });
  const built = agent<OUTPUT>({
    name,
    model,
    ...(options.instructions !== undefined ? { instructions: options.instructions } : {}),
    ...(options.output !== undefined ? { output: options.output } : {}),
    retry: 1,
    prices: {
      [`mock:${name}`]: {
        inputPerMillion: inputCentsPerToken * 10_000,
        outputPerMillion: outputCentsPerToken * 10_000,
      },
    },
  });
  return { agent: built, model, prompts };
}

/** Every event of a run, in order. */
export async function collect(events: AsyncIterable<BatonEvent>): Promise<BatonEvent[]> {
  const all: BatonEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}
