import { requireModule } from "../models/require-module.js";

/** Roughly what each chat message costs beyond its content (role markers). */
const perMessageOverhead = 4;
/** Characters per token of the cheap estimate: about right for English prose. */
const charactersPerToken = 4;
const noSpecialTokens = { disallowedSpecial: new Set<string>() };

interface MessageLike {
  role: string;
  content: unknown;
}

/**
 * Counts the tokens of chat messages (ModelMessage or a provider prompt) with
 * gpt-tokenizer's o200k encoding. Exact for OpenAI models, a close estimate for others,
 * which is all a memory threshold or a rate-limit estimate needs.
 */
export function countMessageTokens(messages: readonly MessageLike[]): number {
  let total = 0;
  for (const message of messages)
    total += perMessageOverhead + countText(contentText(message.content));
  return total;
}

/**
 * A cheap estimate of the tokens of chat messages: a quarter of their characters plus the
 * same per-message overhead as {@link countMessageTokens}. It needs no tokenizer (which
 * takes ~250 ms and ~70 MB to load), which is right for what it feeds: the model-call
 * gate's rate-limit and budget checks before a call, settled afterwards with the usage the
 * provider reports.
 */
export function estimateMessageTokens(messages: readonly MessageLike[]): number {
  let total = 0;
  for (const message of messages)
    total +=
      perMessageOverhead + Math.ceil(contentText(message.content).length / charactersPerToken);
  return total;
}

/**
 * Counts a model call's prompt with gpt-tokenizer: its messages (as
 * {@link countMessageTokens}) plus the tool definitions sent with them. What a budget
 * reserves for the call's input; exact for OpenAI models, an estimate for others.
 */
export function countPromptTokens(
  messages: readonly MessageLike[],
  tools: readonly unknown[] | undefined,
): number {
  let total = countMessageTokens(messages);
  for (const tool of tools ?? []) total += perMessageOverhead + countText(stringify(tool));
  return total;
}

export function countText(text: string): number {
  if (text.length === 0) return 0;
  return loadTokenizer().countTokens(text, noSpecialTokens);
}

/** gpt-tokenizer, loaded on the first count (or an agent's `preload()`), not when Baton is imported. */
export function loadTokenizer(): typeof import("gpt-tokenizer") {
  return requireModule<typeof import("gpt-tokenizer")>("gpt-tokenizer");
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map(partText).join("\n");
}

function partText(part: unknown): string {
  if (typeof part !== "object" || part === null) return "";
  const record = part as {
    type?: unknown;
    text?: unknown;
    toolName?: unknown;
    input?: unknown;
    output?: unknown;
  };
  switch (record.type) {
    case "text":
    case "reasoning":
      return typeof record.text === "string" ? record.text : "";
    case "tool-call":
      return `${String(record.toolName)}(${stringify(record.input)})`;
    case "tool-result":
      return stringify(record.output);
    default:
      // Images and files are priced by providers in ways a tokenizer cannot see.
      return "";
  }
}

function stringify(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value) ?? "";
}

/** `text` cut to at most `maxTokens` tokens (whole tokens, from the start). */
export function truncateText(text: string, maxTokens: number): string {
  if (maxTokens <= 0) return "";
  const { encode, decode } = loadTokenizer();
  const tokens = encode(text, noSpecialTokens);
  return tokens.length <= maxTokens ? text : decode(tokens.slice(0, maxTokens));
}
