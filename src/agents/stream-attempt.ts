import type {
  LanguageModelV4CallOptions,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from "@ai-sdk/provider";
import { CancelledError } from "../core/errors/cancelled-error.js";
import type { Clock } from "../core/ports/clock.js";
import type { Usage } from "../core/usage.js";
import { type ResolvedModel, usageFromProvider } from "../models/index.js";
import { abortable, abortError } from "./deadline.js";
import type { AttemptOutcome, AttemptSignals, Settle } from "./model-call-policy.js";
import { toModelCallError } from "./to-model-call-error.js";

/** Parts that carry no output: a stream that fails before anything else may be retried. */
const preambleParts = new Set(["stream-start", "response-metadata", "ping", "raw"]);

/**
 * One streaming attempt (internal). It waits for the first part with content, so a
 * stream that fails before producing anything (a 429, a 5xx, a timeout) fails the
 * attempt and can be retried or fall back; once content flows, the stream is handed on
 * and its end (usage, or an error) settles the attempt.
 *
 * When `signal` aborts (a timeout, a cancelled run), the caller's stream fails at once,
 * but what the provider still delivers before its `requestSignal` aborts is read, unseen,
 * so a reply whose end had arrived is billed with the usage it reported.
 */
export async function streamAttempt(
  model: ResolvedModel,
  options: LanguageModelV4CallOptions,
  { signal, requestSignal }: AttemptSignals,
  settle: Settle,
  clock: Clock,
  onTextDelta?: (delta: string) => void,
): Promise<LanguageModelV4StreamResult> {
  const observed = new StreamObserver();
  const opening = model.model.doStream({ ...options, abortSignal: requestSignal });
  const opened = await abortable(opening, signal).catch((error: unknown) => {
    if (signal.aborted) {
      opening.then(
        (late) => readToEnd(late.stream.getReader(), undefined, observed, settle, signal),
        () => {},
      );
    }
    throw error;
  });
  const reader = opened.stream.getReader();
  const head: LanguageModelV4StreamPart[] = [];
  let reading: Promise<ReadableStreamReadResult<LanguageModelV4StreamPart>> | undefined;
  try {
    for (;;) {
      reading = reader.read();
      const next = await abortable(reading, signal);
      reading = undefined;
      if (next.done) break;
      if (next.value.type === "error") throw next.value.error;
      head.push(next.value);
      if (!preambleParts.has(next.value.type)) break;
    }
  } catch (error) {
    if (signal.aborted) {
      for (const part of head) observed.see(part);
      readToEnd(reader, reading, observed, settle, signal);
    } else reader.cancel().catch(() => {});
    throw error;
  }

  const see = (part: LanguageModelV4StreamPart) => {
    observed.see(part);
    if (part.type === "text-delta") onTextDelta?.(part.delta);
  };
  const fail = (error: unknown) => settle({ ...observed.outcome(), error });
  const stream = new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      for (const part of head) {
        see(part);
        controller.enqueue(part);
      }
    },
    async pull(controller) {
      const pending = reader.read();
      try {
        const next = await abortable(pending, signal);
        if (next.done) {
          settle(observed.outcome());
          controller.close();
          return;
        }
        see(next.value);
        if (next.value.type === "error")
          fail(toModelCallError(next.value.error, model.id, clock.now()));
        controller.enqueue(next.value);
      } catch (thrown) {
        if (signal.aborted) {
          readToEnd(reader, pending, observed, settle, signal);
          controller.error(abortError(signal));
          return;
        }
        const error = toModelCallError(thrown, model.id, clock.now());
        fail(error);
        reader.cancel().catch(() => {});
        controller.error(error);
      }
    },
    cancel(reason) {
      fail(new CancelledError("The model stream was cancelled", { cause: reason }));
      return reader.cancel(reason);
    },
  });
  return { ...opened, stream };
}

/**
 * After the attempt was aborted: reads what the provider still delivers (starting with the
 * read in flight, if any) until the stream ends or fails, which its aborted request makes it
 * do, then settles with what the stream said: its usage, if its end had arrived.
 */
function readToEnd(
  reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart>,
  pending: Promise<ReadableStreamReadResult<LanguageModelV4StreamPart>> | undefined,
  observed: StreamObserver,
  settle: Settle,
  signal: AbortSignal,
): void {
  const read = async () => {
    for (let next = await (pending ?? reader.read()); !next.done; next = await reader.read()) {
      observed.see(next.value);
      if (next.value.type === "error") return;
    }
  };
  read()
    .catch(() => {})
    .then(() => {
      settle({ ...observed.outcome(), error: abortError(signal) });
      reader.cancel().catch(() => {});
    });
}

/** Collects what a stream said, to record it as the call's response. */
class StreamObserver {
  #text = "";
  #reasoning = "";
  #toolCalls: LanguageModelV4StreamPart[] = [];
  #usage: Usage | undefined;
  #finishReason: string | undefined;
  #responseId: string | undefined;

  see(part: LanguageModelV4StreamPart): void {
    if (part.type === "text-delta") this.#text += part.delta;
    else if (part.type === "reasoning-delta") this.#reasoning += part.delta;
    else if (part.type === "tool-call") this.#toolCalls.push(part);
    else if (part.type === "response-metadata" && part.id !== undefined) this.#responseId = part.id;
    else if (part.type === "finish") {
      this.#usage = usageFromProvider(part.usage);
      this.#finishReason = part.finishReason.unified;
    }
  }

  outcome(): AttemptOutcome {
    const response = [
      ...(this.#reasoning ? [{ type: "reasoning", text: this.#reasoning }] : []),
      ...(this.#text ? [{ type: "text", text: this.#text }] : []),
      ...this.#toolCalls,
    ];
    return {
      response,
      ...(this.#usage ? { usage: this.#usage } : {}),
      ...(this.#finishReason ? { finishReason: this.#finishReason } : {}),
      ...(this.#responseId !== undefined ? { responseId: this.#responseId } : {}),
    };
  }
}
