import type { ModelMessage } from "ai";
import {
  addCost,
  addUsage,
  type CostBreakdown,
  emptyCost,
  emptyUsage,
  type Usage,
} from "../core/usage.js";
import type { ModelInput } from "../models/index.js";
import { agent } from "./agent.js";
import { type CompactResult, compactConversation } from "./compact-conversation.js";
import { defaultSummaryInstructions } from "./memory.js";

export interface CompressMessagesOptions {
  /** What the compressed messages may count at most, by gpt-tokenizer (o200k). */
  maxTokens: number;
  /**
   * The model that summarises the middle of the conversation into one message. Without
   * one, the middle is dropped (trimmed).
   * @default none: trim
   */
  model?: ModelInput;
  /** The summary's length limit, in tokens. @default a quarter of `maxTokens` */
  summaryMaxTokens?: number;
  /** Instructions for the summary call. @default defaultSummaryInstructions */
  summaryInstructions?: string;
  /** Cancels the summary call. */
  signal?: AbortSignal;
}

/** Compressed messages, what it took, and what the summary call used and cost (none without one). */
export interface CompressedMessages extends CompactResult {
  usage: Usage;
  cost: CostBreakdown;
}

/**
 * Brings a conversation within `maxTokens`: the leading system messages and the newest
 * messages that fit are kept as they are; the messages between them are summarised into
 * one message by `model`, or dropped when there is no model. A tool result is never kept
 * without the call it answers. Messages already within the limit are returned unchanged.
 *
 * @throws TypeError when `maxTokens` leaves no room beyond the system messages.
 * @example
 * const { messages } = await compressMessages(history, { maxTokens: 4_000, model: "openai:gpt-4o-mini" });
 * await assistant.run(messages);
 */
export async function compressMessages(
  messages: readonly ModelMessage[],
  options: CompressMessagesOptions,
): Promise<CompressedMessages> {
  if (!Array.isArray(messages)) {
    throw new TypeError(
      `compressMessages: expected messages to be an array of ModelMessage, received ${typeof messages}`,
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `compressMessages: expected an options object, received ${String(options)}`,
    );
  }
  const { maxTokens, model, summaryMaxTokens, signal } = options;
  checkTokens("maxTokens", maxTokens);
  if (summaryMaxTokens !== undefined) checkTokens("summaryMaxTokens", summaryMaxTokens);
  let usage = emptyUsage();
  let cost = emptyCost();
  const summariser =
    model === undefined
      ? undefined
      : agent({
          name: "compress-messages",
          model,
          instructions: options.summaryInstructions ?? defaultSummaryInstructions,
        });
  const compacted = await compactConversation(messages, {
    maxTokens,
    summaryMaxTokens,
    summarise: summariser
      ? async (text, limit) => {
          const result = await summariser.run(
            `${text}\n\nWrite the summary in at most ${limit} tokens.`,
            signal ? { signal } : {},
          );
          usage = addUsage(usage, result.usage);
          cost = addCost(cost, result.cost);
          return result.text;
        }
      : undefined,
  });
  return { ...compacted, usage, cost };
}

function checkTokens(option: string, value: unknown): void {
  if (!(typeof value === "number" && Number.isInteger(value) && value > 0)) {
    throw new TypeError(
      `compressMessages: expected options.${option} to be an integer > 0, received ${String(value)}`,
    );
  }
}
