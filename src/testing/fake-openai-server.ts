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
  /**
   * Told right after a reply with usage (text or tool calls) was written in full, which is
   * when `usageTotals` counts it, and before the client can have read it: a test can fire
   * the client's timeout, or cancel its run, at that very moment.
   * @example
   * startFakeOpenAIServer({ onServed: () => controller.abort() });
   */
  onServed?: (request: FakeRequest, usage: FakeUsage) => void;
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
  /**
   * The sum of the usage the server reported in the replies it delivered: written in full
   * (text and tool-call replies; streams only with `stream_options.include_usage`) to a
   * client that did not discard them (see `discardedUsage`). Faults carry no usage: a hang
   * never completes, and a malformed body reports none that anyone can read.
   */
  usageTotals(): Usage;
  /**
   * The usage of replies written in full that never reached the client: it had closed the
   * connection (it gave up on the request, say on a timeout) before the reply was written,
   * or before the server saw it close. A provider may bill these; the client can only know
   * that they may have been billed. A client that closes with the reply unread in its
   * receive buffer resets the connection instead: that reply arrived, and stays served.
   */
  discardedUsage(): Usage;
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
  const { fallbackReply, clock = systemClock, onServed } = options;
  const requests: FakeRequest[] = [];
  const sharedQueue: FakeReplySource[] = [];
  const modelQueues = new Map<string, FakeReplySource[]>();
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  let totals = emptyUsage();
  let discarded = emptyUsage();
  // The reply last written on a connection, until the client shows it read it by sending its
  // next request on the connection. A client closes a connection with a request in flight
  // only when it gives up on that request (it never closes an idle one before the server
  // does, see keepAliveTimeout below). Closed cleanly, the client had closed first: the
  // reply never reached it. Reset, the client closed with the reply unread in its receive
  // buffer (TCP resets a connection closed with unread data): it had arrived.
  const unconfirmed = new WeakMap<Socket, FakeUsage>();
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
    // One request at a time on a connection: the client has read the previous reply.
    unconfirmed.delete(incoming.socket);
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
    // A client that closed the connection is gone, even before its "close" event is emitted
    // (writes to a destroyed socket are dropped without an error).
    if (signal.aborted || incoming.socket.destroyed || !incoming.socket.writable) return;
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
      sendJson(response, 200, completionBody(parts));
      served(request, usage, response);
      return;
    }
    const includeUsage = body.stream_options?.include_usage === true;
    response.writeHead(200, sseHeaders);
    for (const chunk of completionChunks(parts, includeUsage))
      response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    response.end("data: [DONE]\n\n");
    // A stream reports usage only when asked to: one that did not cannot be billed exactly.
    if (includeUsage) served(request, usage, response);
  };

  /** A reply with usage was written in full: delivered, unless its client discards it. */
  const served = (request: FakeRequest, usage: FakeUsage, response: ServerResponse) => {
    totals = addFakeUsage(totals, usage, 1);
    unconfirmed.set(response.socket as Socket, usage);
    onServed?.(request, usage);
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
    socket.on("close", (hadError) => {
      sockets.delete(socket);
      const usage = unconfirmed.get(socket);
      if (usage && !hadError && !closing.signal.aborted) {
        totals = addFakeUsage(totals, usage, -1);
        discarded = addFakeUsage(discarded, usage, 1);
      }
    });
  });
  // Clients keep an idle connection for a little less than the server says it will (its
  // Keep-Alive header): with a long one, a client closes a connection only to give up.
  server.keepAliveTimeout = 10 * 60_000;
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
    discardedUsage: () => ({ ...discarded }),
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

/** `usage` added to `totals` (`sign` 1) or taken off them (`sign` -1). */
function addFakeUsage(totals: Usage, usage: FakeUsage, sign: 1 | -1): Usage {
  const input = sign * usage.promptTokens;
  const output = sign * usage.completionTokens;
  return {
    inputTokens: totals.inputTokens + input,
    outputTokens: totals.outputTokens + output,
    cachedInputTokens: totals.cachedInputTokens + sign * (usage.cachedTokens ?? 0),
    reasoningTokens: totals.reasoningTokens,
    totalTokens: totals.totalTokens + input + output,
  };
}
