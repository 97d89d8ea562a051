import { CancelledError } from "../core/errors/cancelled-error.js";
import type { Clock } from "../core/ports/clock.js";

/** The real clock: `Date.now()` and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, { signal } = {}) {
    if (signal?.aborted)
      return Promise.reject(new CancelledError(undefined, { cause: signal.reason }));
    if (ms <= 0 && !signal) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new CancelledError(undefined, { cause: signal?.reason }));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};
