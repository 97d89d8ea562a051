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
import type { AttemptOutcome, Settle } from "./model-call-policy.js";
import { toModelCallError } from "./to-model-call-error.js";

/** Parts that carry no output: a stream that fails before anything else may be retried. */
const preambleParts = new Set(["stream-start", "response-metadata", "ping", "raw"]);

/**
 * One streaming attempt (internal). It waits for the first part with content, so a
 * stream that fails before producing anything (a 429, a 5xx, a timeout) fails the
 * attempt and can be retried or fall back; once content flows, the stream is handed on
 * and its end (usage, or an error) settles the attempt.
 */
export async function streamAttempt(
  model: ResolvedModel,
  options: LanguageModelV4CallOptions,
  signal: AbortSignal,
  settle: Settle,
  clock: Clock,
  onTextDelta?: (delta: string) => void,
): Promise<LanguageModelV4StreamResult> {
  const opened = await abortable(model.model.doStream({ ...options, abortSignal: signal }), signal);
  const reader = opened.stream.getReader();
  const head: LanguageModelV4StreamPart[] = [];
  try {
    for (;;) {
      const next = await abortable(reader.read(), signal);
      if (next.done) break;
      if (next.value.type === "error") throw next.value.error;
      head.push(next.value);
      if (!preambleParts.has(next.value.type)) break;
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }

  const observed = new StreamObserver(onTextDelta);
  const fail = (error: unknown) => settle({ ...observed.outcome(), error });
  const stream = new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      for (const part of head) {
        observed.see(part);
        controller.enqueue(part);
      }
    },
    async pull(controller) {
      try {
        const next = await abortable(reader.read(), signal);
        if (next.done) {
          settle(observed.outcome());
          controller.close();
          return;
        }
        observed.see(next.value);
        if (next.value.type === "error")
          fail(toModelCallError(next.value.error, model.id, clock.now()));
        controller.enqueue(next.value);
      } catch (thrown) {
        const error = signal.aborted
          ? abortError(signal)
          : toModelCallError(thrown, model.id, clock.now());
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

/** Collects what a stream said, to record it as the call's response. */
class StreamObserver {
  #text = "";
  #reasoning = "";
  #toolCalls: LanguageModelV4StreamPart[] = [];
  #usage: Usage | undefined;
  #finishReason: string | undefined;
  #responseId: string | undefined;
  readonly #onTextDelta: ((delta: string) => void) | undefined;

  constructor(onTextDelta?: (delta: string) => void) {
    this.#onTextDelta = onTextDelta;
  }

  see(part: LanguageModelV4StreamPart): void {
    if (part.type === "text-delta") {
      this.#text += part.delta;
      this.#onTextDelta?.(part.delta);
    } else if (part.type === "reasoning-delta") this.#reasoning += part.delta;
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
