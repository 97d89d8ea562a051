import type { ModelMessage } from "ai";
import { countMessageTokens, countText, truncateText } from "./count-tokens.js";
import { summaryMessage, transcript } from "./memory.js";

/** How a conversation is brought within a token limit (internal). */
export interface CompactOptions {
  /** What the result may count at most, `reservedTokens` included. */
  maxTokens: number;
  /** Tokens the model sees besides the messages (an agent's instructions). @default 0 */
  reservedTokens?: number;
  /**
   * Writes the summary of the middle, at most `maxTokens` long; without it the middle is
   * dropped.
   */
  summarise?: ((transcript: string, maxTokens: number) => Promise<string>) | undefined;
  /** The summary's length limit, in tokens. @default a quarter of what the messages may count */
  summaryMaxTokens?: number | undefined;
}

/** A conversation brought within its limit, and what it took. */
export interface CompactResult {
  messages: ModelMessage[];
  /** What the result counts (with `reservedTokens`), by gpt-tokenizer. */
  tokens: number;
  /** What the conversation counted before. */
  originalTokens: number;
  /** Messages folded into the summary. */
  summarised: number;
  /** Messages left out without a summary. */
  dropped: number;
  /** Whether a message had to be cut short to fit (the latest one, when it alone is too long). */
  truncated: boolean;
}

/**
 * Keeps the leading system messages and the newest messages that fit, and summarises (or
 * drops) the messages between them, so the result counts at most `maxTokens`. A tool result
 * is never kept without the assistant message that called the tool.
 */
export async function compactConversation(
  messages: readonly ModelMessage[],
  options: CompactOptions,
): Promise<CompactResult> {
  const { maxTokens, reservedTokens = 0, summarise } = options;
  const count = (list: readonly ModelMessage[]) => countMessageTokens(list) + reservedTokens;
  const originalTokens = count(messages);
  const unchanged = { summarised: 0, dropped: 0, truncated: false };
  if (originalTokens <= maxTokens) {
    return { messages: [...messages], tokens: originalTokens, originalTokens, ...unchanged };
  }
  let lead = 0;
  while (lead < messages.length && messages[lead]?.role === "system") lead++;
  const system = messages.slice(0, lead);
  const fixed = count(system);
  if (fixed >= maxTokens) {
    throw new TypeError(
      `compressMessages: expected maxTokens to leave room beyond the system prompt and instructions (${fixed} tokens), received ${maxTokens}`,
    );
  }
  const rest = messages.slice(lead);
  const summaryBudget = summarise
    ? Math.max(
        1,
        Math.min(options.summaryMaxTokens ?? Infinity, Math.floor((maxTokens - fixed) / 4)),
      )
    : 0;
  // The summary message's own tokens: its role overhead and its heading.
  const summaryRoom = summarise ? summaryBudget + countMessageTokens([summaryMessage("")]) : 0;
  const room = maxTokens - fixed - summaryRoom;
  let boundary = rest.length;
  for (let used = 0; boundary > 0; boundary--) {
    const tokens = countMessageTokens([rest[boundary - 1]!]);
    if (used + tokens > room && boundary < rest.length) break;
    used += tokens;
  }
  boundary = skipOrphanedToolResults(rest, boundary);
  // The newest messages are tool results: keep the assistant message that called the tools.
  if (boundary === rest.length) boundary = lastCallBefore(rest, boundary);
  const middle = rest.slice(0, boundary);
  let kept = rest.slice(boundary);
  let summary: string | undefined;
  if (summarise && middle.length > 0) {
    summary = truncateText(await summarise(transcript(middle), summaryBudget), summaryBudget);
  }
  let dropped = summary === undefined ? middle.length : 0;
  const assemble = () => [
    ...system,
    ...(summary !== undefined ? [summaryMessage(summary)] : []),
    ...kept,
  ];
  let result = assemble();
  // The newest message alone may not fit beside the summary: drop older kept ones first,
  // then shorten the summary, then the newest message itself.
  while (count(result) > maxTokens && kept.length > 1) {
    const next = skipOrphanedToolResults(kept, 1);
    if (next === kept.length) break; // only a call and its results are left: they go together
    dropped += next;
    kept = kept.slice(next);
    result = assemble();
  }
  if (summary !== undefined && count(result) > maxTokens) {
    const over = count(result) - maxTokens;
    summary = truncateText(summary, Math.max(0, countText(summary) - over));
    result = assemble();
    // Not even the summary's heading fits beside the newest message: leave it out.
    if (count(result) > maxTokens) {
      summary = undefined;
      dropped = middle.length;
      result = assemble();
    }
  }
  let truncated = false;
  if (count(result) > maxTokens) {
    const last = kept.at(-1)!;
    const text = textOf(last);
    // Tokens of a cut text may merge differently: cut again until it fits.
    for (let cut = count(result) - maxTokens; count(result) > maxTokens; cut++) {
      const length = countText(text) - cut;
      if (length < 0) {
        // Even an empty newest message does not fit: its own overhead is over the limit.
        throw new TypeError(
          `compressMessages: expected maxTokens to leave room beyond the system prompt and instructions (${fixed} tokens) for the newest message, received ${maxTokens}`,
        );
      }
      kept = [...kept.slice(0, -1), withText(last, truncateText(text, length))];
      result = assemble();
    }
    truncated = true;
  }
  return {
    messages: result,
    tokens: count(result),
    originalTokens,
    summarised: summary === undefined ? 0 : middle.length,
    dropped,
    truncated,
  };
}

/**
 * Moves a cut forward past tool results, whose calls would be cut off: to the next message
 * that is not one, or to the end when only tool results follow.
 */
function skipOrphanedToolResults(messages: readonly ModelMessage[], boundary: number): number {
  let cut = boundary;
  while (cut < messages.length && messages[cut]?.role === "tool") cut++;
  return cut;
}

/** Moves a cut back over the tool results before it, to the message that called the tools. */
function lastCallBefore(messages: readonly ModelMessage[], boundary: number): number {
  let cut = boundary;
  while (cut > 0 && messages[cut - 1]?.role === "tool") cut--;
  return Math.max(0, cut - 1);
}

function textOf(message: ModelMessage): string {
  if (typeof message.content === "string") return message.content;
  return message.content
    .map((part) => ("text" in part && typeof part.text === "string" ? part.text : ""))
    .join("\n");
}

function withText(message: ModelMessage, text: string): ModelMessage {
  if (message.role === "tool") {
    throw new TypeError(
      "compressMessages: the newest message is a tool result longer than maxTokens allows; raise maxTokens",
    );
  }
  return { ...message, content: text } as ModelMessage;
}
