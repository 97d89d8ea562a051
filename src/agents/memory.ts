import type { ModelMessage } from "ai";
import type { ModelInput } from "../models/index.js";
import { countMessageTokens } from "./count-tokens.js";

/**
 * Conversation memory: the agent keeps its conversation across `run()` calls and, once
 * it grows past `tokenThreshold`, folds the older messages into one summary.
 */
export interface MemoryOptions {
  /**
   * Before a run, when the conversation (counted with gpt-tokenizer) has more tokens than
   * this, the older messages are summarised by one model call into a single message.
   */
  tokenThreshold: number;
  /** Messages kept verbatim after a summary (the newest ones). @default 6 */
  keepLast?: number;
  /**
   * The model that writes summaries; its usage and cost count in the run's result.
   * @default the agent's model
   */
  summaryModel?: ModelInput;
  /** Instructions for the summary call. @default defaultSummaryInstructions */
  summaryInstructions?: string;
  /**
   * The summary's length limit, in tokens: the summary call is asked for no more (and may
   * generate no more), and a longer summary is cut to it.
   * @default no limit
   */
  summaryMaxTokens?: number;
}

export const defaultSummaryInstructions =
  "Summarise the conversation below for the assistant who will continue it. Keep every fact, " +
  "decision, name, number and open question; drop pleasantries. Write plain prose, at most a " +
  "few paragraphs.";

/** Where a conversation is cut: `older` is summarised, `kept` stays verbatim. */
export interface CompactionPlan {
  older: ModelMessage[];
  kept: ModelMessage[];
}

/** The messages an agent remembers between runs (internal). */
export class ConversationMemory {
  messages: ModelMessage[] = [];
  readonly tokenThreshold: number;
  readonly keepLast: number;

  constructor(options: { tokenThreshold: number; keepLast: number }) {
    this.tokenThreshold = options.tokenThreshold;
    this.keepLast = options.keepLast;
  }

  clear(): void {
    this.messages = [];
  }

  /**
   * Decides whether `conversation` must be compacted before the next call. Only messages
   * before `firstNewIndex` (the current run's input) are ever summarised, and the cut never
   * separates a tool result from the assistant message that called the tool.
   */
  plan(conversation: ModelMessage[], firstNewIndex: number): CompactionPlan | undefined {
    if (countMessageTokens(conversation) <= this.tokenThreshold) return undefined;
    let boundary = Math.min(conversation.length - this.keepLast, firstNewIndex);
    while (boundary > 0 && conversation[boundary]?.role === "tool") boundary--;
    if (boundary <= 0) return undefined;
    return { older: conversation.slice(0, boundary), kept: conversation.slice(boundary) };
  }
}

/** The single message that stands for the summarised part of a conversation. */
export function summaryMessage(summary: string): ModelMessage {
  return { role: "user", content: `Summary of the conversation so far:\n${summary}` };
}

/** The older messages as a plain transcript, the prompt of the summary call. */
export function transcript(messages: readonly ModelMessage[]): string {
  return messages.map((message) => `${message.role}: ${messageText(message)}`).join("\n\n");
}

function messageText(message: ModelMessage): string {
  if (typeof message.content === "string") return message.content;
  return message.content
    .map((part) => {
      switch (part.type) {
        case "text":
        case "reasoning":
          return part.text;
        case "tool-call":
          return `[called ${part.toolName} with ${JSON.stringify(part.input)}]`;
        case "tool-result":
          return `[${part.toolName} returned ${JSON.stringify(part.output)}]`;
        default:
          return `[${part.type}]`;
      }
    })
    .join(" ");
}
