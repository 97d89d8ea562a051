/**
 * The scripted replies of the fake OpenAI-compatible server, and how each is written in the
 * OpenAI Chat Completions wire format (JSON and Server-Sent Events).
 */

/** Token counts the fake server reports for a reply. */
export interface FakeUsage {
  promptTokens: number;
  completionTokens: number;
  /** Reported as `prompt_tokens_details.cached_tokens` (part of `promptTokens`). @default 0 */
  cachedTokens?: number;
}

interface ReplyTiming {
  /** Wait this long before answering (the client may abort meanwhile). @default 0 */
  delayMs?: number;
}

/** Answer with assistant text. Without `usage`, tokens are counted with gpt-tokenizer. */
export interface FakeTextReply extends ReplyTiming {
  text: string;
  usage?: FakeUsage;
}

export interface FakeToolCall {
  name: string;
  /** An object (sent as its JSON) or a ready JSON string (sent as is, even if invalid). */
  arguments: unknown;
  /** @default "call_<n>" */
  id?: string;
}

/** Answer with tool calls (`finish_reason: "tool_calls"`), optionally with some text too. */
export interface FakeToolCallsReply extends ReplyTiming {
  toolCalls: FakeToolCall[];
  text?: string;
  usage?: FakeUsage;
}

/** A failure, as a provider would produce it. */
export type FakeFaultReply = ReplyTiming &
  (
    | { fault: "rate-limit"; retryAfterSeconds?: number; message?: string }
    | { fault: "server-error"; status?: number; message?: string }
    | { fault: "hang" }
    | { fault: "malformed-json" }
  );

export type FakeReply = FakeTextReply | FakeToolCallsReply | FakeFaultReply;

/** A reply, or a function of the request that picks one (to echo, branch on tools, ...). */
export type FakeReplySource = FakeReply | ((request: FakeRequest) => FakeReply);

/** A request the fake server received, in arrival order. */
export interface FakeRequest {
  method: string;
  /** The URL path, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lower-cased header names, as Node reports them. */
  headers: Record<string, string>;
  /** The parsed JSON body (`undefined` when it was not JSON). */
  body: ChatCompletionRequestBody | undefined;
  /** The body as received. */
  rawBody: string;
  /**
   * Set once the server answered with a completion (not a fault): the response's id and
   * the usage it reported, which a real provider would bill.
   */
  answer?: { id: string; usage: FakeUsage };
}

/** The parts of a Chat Completions request body the fake server reads. */
export interface ChatCompletionRequestBody {
  model?: string;
  messages?: Array<{
    role: string;
    content?: unknown;
    tool_calls?: unknown;
    tool_call_id?: string;
  }>;
  tools?: Array<{
    type: string;
    function: { name: string; description?: string; parameters?: unknown };
  }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

/** OpenAI's `usage` object. */
export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

export function wireUsage(usage: FakeUsage): WireUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens ?? 0 },
  };
}

interface WireToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface CompletionParts {
  id: string;
  created: number;
  model: string;
  text: string | null;
  toolCalls: WireToolCall[];
  usage: WireUsage;
}

export function toWireToolCalls(
  calls: FakeToolCall[],
  idFor: (index: number) => string,
): WireToolCall[] {
  return calls.map((call, index) => ({
    id: call.id ?? idFor(index),
    type: "function",
    function: {
      name: call.name,
      arguments:
        typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {}),
    },
  }));
}

const finishReason = (parts: CompletionParts) =>
  parts.toolCalls.length > 0 ? "tool_calls" : "stop";

/** A non-streaming `chat.completion` object. */
export function completionBody(parts: CompletionParts): unknown {
  return {
    id: parts.id,
    object: "chat.completion",
    created: parts.created,
    model: parts.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: parts.text,
          ...(parts.toolCalls.length > 0 ? { tool_calls: parts.toolCalls } : {}),
        },
        finish_reason: finishReason(parts),
        logprobs: null,
      },
    ],
    usage: parts.usage,
  };
}

/** The `chat.completion.chunk` objects of a streamed reply, usage chunk last when asked for. */
export function completionChunks(parts: CompletionParts, includeUsage: boolean): unknown[] {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id: parts.id,
    object: "chat.completion.chunk",
    created: parts.created,
    model: parts.model,
    choices,
    ...extra,
  });
  const delta = (value: Record<string, unknown>, finish: string | null = null) =>
    chunk([{ index: 0, delta: value, finish_reason: finish, logprobs: null }]);

  const chunks: unknown[] = [delta({ role: "assistant", content: "" })];
  for (const piece of parts.text?.match(/\S+\s*|\s+/g) ?? [])
    chunks.push(delta({ content: piece }));
  parts.toolCalls.forEach((call, index) => {
    chunks.push(
      delta({
        tool_calls: [
          {
            index,
            id: call.id,
            type: "function",
            function: { name: call.function.name, arguments: "" },
          },
        ],
      }),
    );
    // Two argument deltas, as real servers split them; the client must join them.
    const half = Math.ceil(call.function.arguments.length / 2);
    for (const piece of [
      call.function.arguments.slice(0, half),
      call.function.arguments.slice(half),
    ])
      if (piece.length > 0)
        chunks.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  chunks.push(delta({}, finishReason(parts)));
  if (includeUsage) chunks.push(chunk([], { usage: parts.usage }));
  return chunks;
}

export function errorBody(message: string, type: string, code: string | null): unknown {
  return { error: { message, type, param: null, code } };
}
