import type { BatonEvent } from "../core/events.js";
import { emptyUsage, modelCallCost } from "../core/usage.js";

/** Test helpers for the event adapters (not exported from the package). */

/** An event source the test feeds by hand; records whether the consumer let go of it. */
export class EventChannel implements AsyncIterable<BatonEvent> {
  readonly #buffer: BatonEvent[] = [];
  #waiting: ((result: IteratorResult<BatonEvent>) => void) | undefined;
  #ended = false;
  #onRelease: () => void = () => {};
  /** Resolves when the consumer calls `return()` (it stopped listening). */
  readonly released = new Promise<void>((resolve) => {
    this.#onRelease = resolve;
  });
  releasedFlag = false;

  push(...events: BatonEvent[]): void {
    for (const event of events) {
      const waiting = this.#waiting;
      if (waiting) {
        this.#waiting = undefined;
        waiting({ value: event, done: false });
      } else this.#buffer.push(event);
    }
  }

  end(): void {
    this.#ended = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<BatonEvent> {
    return {
      next: () => {
        const event = this.#buffer.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.#waiting = resolve;
        });
      },
      return: () => {
        this.releasedFlag = true;
        this.#onRelease();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

const runId = "run_1";

/** A small, typical run: two steps, one retried once, costs in cents. */
export function sampleRun(): BatonEvent[] {
  const usage = { ...emptyUsage(), inputTokens: 10, outputTokens: 5, totalTokens: 15 };
  return [
    { type: "run-start", at: 1000, runId, workflow: "report", input: { topic: "tides" } },
    { type: "step-start", at: 1000, runId, stepId: "facts", attempt: 1 },
    {
      type: "step-end",
      at: 2200,
      runId,
      stepId: "facts",
      output: { text: "facts" },
      usage,
      cost: modelCallCost("openai:gpt-4o-mini", 0.5),
      durationMs: 1200,
    },
    { type: "step-start", at: 2200, runId, stepId: "draft", attempt: 1 },
    {
      type: "step-error",
      at: 2300,
      runId,
      stepId: "draft",
      attempt: 1,
      willRetry: true,
      error: { name: "ModelCallError", message: "rate limited" },
    },
    { type: "step-retry", at: 2300, runId, stepId: "draft", attempt: 2, delayMs: 500 },
    { type: "step-start", at: 2800, runId, stepId: "draft", attempt: 2 },
    {
      type: "step-end",
      at: 3000,
      runId,
      stepId: "draft",
      output: { text: "draft" },
      usage,
      cost: modelCallCost("openai:gpt-4o-mini", 0.25),
      durationMs: 200,
    },
    {
      type: "run-end",
      at: 3000,
      runId,
      output: "draft",
      usage: { ...usage, inputTokens: 20, outputTokens: 10, totalTokens: 30 },
      cost: modelCallCost("openai:gpt-4o-mini", 0.75),
    },
  ];
}
