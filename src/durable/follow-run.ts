import type { Clock } from "../core/ports/clock.js";
import type { RunStore, StoredEvent } from "../core/ports/run-store.js";
import { systemClock } from "../runtime/system-clock.js";
import { DurableError } from "./durable-error.js";

/**
 * A store that can say when a run's log grows (PostgresStore, through LISTEN/NOTIFY).
 * `followRun` looks for it by feature: any store with a `watchRun` method of this shape.
 */
export interface RunLogWatch {
  /**
   * Calls `onChange` after each append to the run commits, from any process, and whenever
   * appends may have been missed (a reconnection). Resolves once watching, with a stop
   * function.
   */
  watchRun(runId: string, onChange: () => void): Promise<() => Promise<void>>;
}

export interface FollowRunOptions {
  /** Start after this sequence number (0: the whole log, from the run's first event). @default 0 */
  afterSeq?: number;
  /** Stops following (the iteration ends) when it aborts. */
  signal?: AbortSignal;
  /**
   * How often the log is read when the store cannot say it grew (SQLite, memory). A store
   * that can (PostgreSQL) is read on each notification, and every `10 * pollMs` besides in
   * case one was lost.
   * @default 250
   */
  pollMs?: number;
  /** Time for the waits between reads. @default systemClock */
  clock?: Clock;
}

/** Events that end a run (for now: it may be resumed later, and a follower started then sees it go on). */
const endingTypes = new Set(["run-end", "run-error", "run-cancel", "run-wait"]);

function canWatch(store: RunStore): store is RunStore & RunLogWatch {
  return typeof (store as Partial<RunLogWatch>).watchRun === "function";
}

/**
 * The events of a run as they are appended to its log, by whichever process owns it (on
 * this machine or another): first those already logged after `afterSeq`, then each new
 * one, in order, none missed and none twice (a follower reads the log from the last
 * sequence number it saw, so a lost notification or a reconnection only delays it). Ends
 * when the run ends (succeeds, fails, is cancelled, or waits for a decision) or `signal`
 * aborts. Rejects with a `DurableError` coded `run-not-found` for an unknown run.
 *
 * @example
 * for await (const event of followRun(store, runId, { signal })) console.log(event.seq, event.type);
 */
export function followRun(
  store: RunStore,
  runId: string,
  options: FollowRunOptions = {},
): AsyncIterable<StoredEvent> {
  if (typeof store?.readLog !== "function") {
    throw new TypeError(`followRun: store must be a RunStore, received ${typeof store}`);
  }
  if (typeof runId !== "string" || runId === "") {
    throw new TypeError(`followRun: runId must be a non-empty string, received ${String(runId)}`);
  }
  const { afterSeq = 0, signal, pollMs = 250, clock = systemClock } = options;
  if (!(typeof pollMs === "number" && pollMs > 0 && Number.isFinite(pollMs))) {
    throw new TypeError(
      `followRun: options.pollMs must be a number of ms > 0, received ${String(pollMs)}`,
    );
  }
  if (typeof afterSeq !== "number" || Number.isNaN(afterSeq)) {
    throw new TypeError(
      `followRun: options.afterSeq must be a number, received ${String(afterSeq)}`,
    );
  }
  return {
    async *[Symbol.asyncIterator]() {
      if (!(await store.getRun(runId))) {
        throw new DurableError(`No run "${runId}" in the store`, { code: "run-not-found", runId });
      }
      const wake = new Wakeup();
      const unwatch = canWatch(store) ? await store.watchRun(runId, () => wake.poke()) : undefined;
      const waitMs = unwatch ? pollMs * 10 : pollMs;
      let after = afterSeq;
      let endedAt: number | undefined;
      try {
        while (!signal?.aborted) {
          // Poked from here on means "read again": an append may land while this read runs.
          wake.reset();
          for (const event of await store.readLog(runId, { afterSeq: after })) {
            after = event.seq;
            if (endingTypes.has(event.type) && (event.runId ?? runId) === runId) {
              endedAt = event.seq;
            }
            yield event;
          }
          if (endedAt !== undefined && endedAt === after) return;
          await wake.wait(waitMs, clock, signal);
        }
      } finally {
        await unwatch?.();
      }
    },
  };
}

/** A wait that a notification cuts short, remembering one that came while no one waited. */
class Wakeup {
  #poked = false;
  #wake: (() => void) | undefined;

  poke(): void {
    this.#poked = true;
    this.#wake?.();
  }

  reset(): void {
    this.#poked = false;
  }

  /** Resolves after `ms`, at a poke, or when `signal` aborts; never rejects. */
  async wait(ms: number, clock: Clock, signal: AbortSignal | undefined): Promise<void> {
    if (this.#poked) return;
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#wake = onAbort;
    try {
      await clock.sleep(ms, { signal: stop.signal });
    } catch {
      // Woken or aborted: either way, look at the log (or the signal) again.
    } finally {
      this.#wake = undefined;
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
