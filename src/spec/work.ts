import { CancelledError } from "../core/errors/cancelled-error.js";

/**
 * Work done in slices (internal): a generator that yields between slices and returns the
 * result. Reading a spec of 100,000 steps is such work, so the same code serves a
 * synchronous caller (`finishWork`) and one that must stay responsive and stoppable, as
 * the CLI on Ctrl-C (`finishWorkAsync`).
 */
export type Work<T> = Generator<void, T, void>;

/** Runs `work` to its end at once. */
export function finishWork<T>(work: Work<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

export interface FinishWorkOptions {
  /** Stops the work at the next slice: the promise rejects with a `CancelledError`. */
  signal?: AbortSignal;
  /**
   * How long to work before letting the event loop run (timers, I/O, signal handlers).
   * @default 20
   */
  sliceMs?: number;
}

/**
 * Runs `work`, giving the event loop a turn at least every `sliceMs` (as far as the work
 * yields that often), and stops when `signal` aborts.
 */
export async function finishWorkAsync<T>(
  work: Work<T>,
  { signal, sliceMs = 20 }: FinishWorkOptions = {},
): Promise<T> {
  const stopIfAborted = () => {
    if (!signal?.aborted) return;
    work.return(undefined as never);
    throw new CancelledError(undefined, { cause: signal.reason });
  };
  stopIfAborted();
  let sliceStart = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      stopIfAborted();
      sliceStart = performance.now();
    }
  }
}
