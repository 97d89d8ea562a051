import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { countTokens } from "gpt-tokenizer";
import type { Clock } from "../core/ports/clock.js";
import { emptyUsage, type Usage } from "../core/usage.js";
import { systemClock } from "../runtime/system-clock.js";
import {
  type ChatCompletionRequestBody,
  type CompletionParts,
  completionBody,
  completionChunks,
  errorBody,
  type FakeReply,
  type FakeReplySource,
  type FakeRequest,
  type FakeUsage,
  toWireToolCalls,
  wireUsage,
} from "./fake-openai-reply.js";

export interface FakeOpenAIServerOptions {
  /**
   * The reply when no scripted reply is left.
   * @default a 500 error saying the script ran out, so a test fails loudly
   */
  fallbackReply?: FakeReplySource;
  /**
   * Where `delayMs` is waited.
   * @default systemClock
   */
  clock?: Clock;
}

/** A local server speaking the OpenAI Chat Completions wire format, replying from a script. */
export interface FakeOpenAIServer {
  /** `http://127.0.0.1:<port>/v1`: give it to `openai-compatible:` models as `baseURL`. */
  readonly baseURL: string;
  /** Every request received, in order (faults included). */
  readonly requests: FakeRequest[];
  /** Adds replies to the shared queue, answered first-in first-out. */
  enqueue(...replies: FakeReplySource[]): void;
  /** Adds replies for requests naming `model`; they are used before the shared queue. */
  enqueueFor(model: string, ...replies: FakeReplySource[]): void;
  /** Scripted replies not yet used (shared queue plus per-model queues). */
  pendingReplies(): number;
  /** The sum of the usage the server reported in its responses. */
  usageTotals(): Usage;
  /** Stops listening and ends every open connection, hanging ones included. */
  close(): Promise<void>;
}

const ranOut = (request: FakeRequest): FakeReply => ({
  fault: "server-error",
  status: 500,
  message: `Fake OpenAI server: the script ran out of replies (no reply left for model "${request.body?.model ?? "?"}"); enqueue more with server.enqueue(...) or server.enqueueFor(model, ...)`,
});

/**
 * Starts a fake OpenAI-compatible server on 127.0.0.1 and a free port.
 *
 * @example
 * const server = await startFakeOpenAIServer();
 * server.enqueue({ text: "Hello" }, { fault: "rate-limit", retryAfterSeconds: 2 });
 * const { model } = resolveModel("openai-compatible:test-model", { baseURL: server.baseURL });
 * // ... generateText({ model, prompt: "Hi", maxRetries: 0 })
 * await server.close();
 */
export async function startFakeOpenAIServer(
  options: FakeOpenAIServerOptions = {},
): Promise<FakeOpenAIServer> {
  const { fallbackReply, clock = systemClock } = options;
  const requests: FakeRequest[] = [];
  const sharedQueue: FakeReplySource[] = [];
  const modelQueues = new Map<string, FakeReplySource[]>();
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  let totals = emptyUsage();
  let counter = 0;

  const nextReply = (request: FakeRequest): FakeReply => {
    const model = request.body?.model;
    const queue = model === undefined ? undefined : modelQueues.get(model);
    const source =
      (queue && queue.length > 0 ? queue.shift() : sharedQueue.shift()) ?? fallbackReply;
    if (source === undefined) return ranOut(request);
    return typeof source === "function" ? source(request) : source;
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse) => {
    const rawBody = await readBody(incoming);
    const path = new URL(incoming.url ?? "/", "http://127.0.0.1").pathname;
    const request: FakeRequest = {
      method: incoming.method ?? "GET",
      path,
      headers: flattenHeaders(incoming.headers),
      body: parseJson(rawBody),
      rawBody,
    };
    requests.push(request);
    if (request.method !== "POST" || path !== "/v1/chat/completions") {
      sendJson(
        response,
        404,
        errorBody(
          `Fake OpenAI server: no route ${request.method} ${path}`,
          "invalid_request_error",
          null,
        ),
      );
      return;
    }
    if (!request.body) {
      sendJson(
        response,
        400,
        errorBody(
          "Fake OpenAI server: the request body is not JSON",
          "invalid_request_error",
          null,
        ),
      );
      return;
    }

    // Stops waiting when the client goes away (abort) or the server closes.
    const gone = new AbortController();
    response.on("close", () => gone.abort());
    const signal = AbortSignal.any([gone.signal, closing.signal]);

    const reply = nextReply(request);
    if (reply.delayMs && reply.delayMs > 0) {
      try {
        await clock.sleep(reply.delayMs, { signal });
      } catch {
        return;
      }
    }
    if (signal.aborted) return;
    answer(request, request.body, reply, response);
  };

  const answer = (
    request: FakeRequest,
    body: ChatCompletionRequestBody,
    reply: FakeReply,
    response: ServerResponse,
  ) => {
    const streaming = body.stream === true;
    if ("fault" in reply) {
      switch (reply.fault) {
        case "rate-limit": {
          const headers: Record<string, string> = {};
          if (reply.retryAfterSeconds !== undefined)
            headers["retry-after"] = String(reply.retryAfterSeconds);
          sendJson(
            response,
            429,
            errorBody(
              reply.message ?? "Rate limit reached (fake OpenAI server)",
              "requests",
              "rate_limit_exceeded",
            ),
            headers,
          );
          return;
        }
        case "server-error":
          sendJson(
            response,
            reply.status ?? 500,
            errorBody(
              reply.message ?? "Internal server error (fake OpenAI server)",
              "server_error",
              null,
            ),
          );
          return;
        case "hang":
          // Headers and body never come; the connection ends when the client aborts or on close().
          return;
        case "malformed-json":
          if (streaming) {
            response.writeHead(200, sseHeaders);
            response.end('data: {"id":"chatcmpl-broken","choices":[{"delta":\n\n');
          } else {
            response.writeHead(200, { "content-type": "application/json" });
            response.end('{"id":"chatcmpl-broken","object":"chat.completion","choices":[{');
          }
          return;
      }
    }

    counter++;
    const text = "text" in reply && typeof reply.text === "string" ? reply.text : null;
    const toolCalls =
      "toolCalls" in reply
        ? toWireToolCalls(reply.toolCalls, (index) => `call_${counter}_${index}`)
        : [];
    const usage =
      reply.usage ??
      countedUsage(
        body,
        text,
        toolCalls.map((call) => call.function.arguments),
      );
    const id = `chatcmpl-fake-${counter}`;
    request.answer = { id, usage };
    const parts: CompletionParts = {
      id,
      created: 1_700_000_000 + counter,
      model: body.model ?? "unknown",
      text,
      toolCalls,
      usage: wireUsage(usage),
    };
    if (!streaming) {
      addTotals(usage);
      sendJson(response, 200, completionBody(parts));
      return;
    }
    const includeUsage = body.stream_options?.include_usage === true;
    if (includeUsage) addTotals(usage);
    response.writeHead(200, sseHeaders);
    for (const chunk of completionChunks(parts, includeUsage))
      response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    response.end("data: [DONE]\n\n");
  };

  const addTotals = (usage: FakeUsage) => {
    const cached = usage.cachedTokens ?? 0;
    totals = {
      inputTokens: totals.inputTokens + usage.promptTokens,
      outputTokens: totals.outputTokens + usage.completionTokens,
      cachedInputTokens: totals.cachedInputTokens + cached,
      reasoningTokens: totals.reasoningTokens,
      totalTokens: totals.totalTokens + usage.promptTokens + usage.completionTokens,
    };
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendJson(
          response,
          500,
          errorBody(`Fake OpenAI server failed: ${String(error)}`, "server_error", null),
        );
      else response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => {
      sharedQueue.push(...replies);
    },
    enqueueFor: (model, ...replies) => {
      if (typeof model !== "string")
        throw new TypeError(
          `enqueueFor: expected "model" to be a string, received ${typeof model}`,
        );
      const queue = modelQueues.get(model) ?? [];
      queue.push(...replies);
      modelQueues.set(model, queue);
    },
    pendingReplies: () =>
      sharedQueue.length + [...modelQueues.values()].reduce((sum, queue) => sum + queue.length, 0),
    usageTotals: () => ({ ...totals }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      }),
  };
}

const sseHeaders = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  connection: "keep-alive",
};

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    incoming.on("error", reject);
  });
}

function parseJson(text: string): ChatCompletionRequestBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as ChatCompletionRequestBody)
      : undefined;
  } catch {
    return undefined;
  }
}

function flattenHeaders(headers: IncomingMessage["headers"]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(", ") : value;
  return result;
}

function countedUsage(
  body: ChatCompletionRequestBody,
  text: string | null,
  toolArguments: string[],
): FakeUsage {
  const count = (value: string) => countTokens(value, { disallowedSpecial: new Set() });
  const prompt = (body.messages ?? [])
    .map((message) =>
      typeof message.content === "string" ? message.content : JSON.stringify(message.content ?? ""),
    )
    .join("\n");
  return {
    promptTokens: count(prompt),
    completionTokens: count([text ?? "", ...toolArguments].join("\n")),
  };
}
