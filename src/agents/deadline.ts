import { CancelledError } from "../core/errors/cancelled-error.js";
import { TimeoutError } from "../core/errors/timeout-error.js";
import type { Clock } from "../core/ports/clock.js";

/** A signal that aborts with a `TimeoutError` once `ms` pass on `clock` (internal). */
export interface Deadline {
  signal: AbortSignal;
  /** Stops the timer; the signal never fires afterwards. Safe to call twice. */
  cancel(): void;
}

export function deadline(clock: Clock, ms: number, message: string): Deadline {
  const controller = new AbortController();
  const timer = new AbortController();
  clock.sleep(ms, { signal: timer.signal }).then(
    () => controller.abort(new TimeoutError(message, { timeoutMs: ms })),
    () => {},
  );
  return { signal: controller.signal, cancel: () => timer.abort() };
}

/** Combines signals, ignoring the missing ones. */
export function anySignal(signals: Array<AbortSignal | undefined>): AbortSignal {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length === 1) return present[0] as AbortSignal;
  // With none, AbortSignal.any([]) is a signal that never aborts.
  return AbortSignal.any(present);
}

/**
 * The error an aborted signal stands for: its reason when that is already a Baton
 * timeout or cancellation, otherwise a `CancelledError` wrapping the reason.
 */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (TimeoutError.isInstance(reason) || CancelledError.isInstance(reason)) return reason;
  return new CancelledError(undefined, { cause: reason });
}

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts. Providers and tools do
 * not all honour their AbortSignal, and a timeout must hold even when they do not.
 */
export function abortable<T>(promise: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    Promise.resolve(promise).catch(() => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve(promise).then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
