import { CancelledError } from "../core/errors/cancelled-error.js";
import type { Clock } from "../core/ports/clock.js";

interface Timer {
  due: number;
  order: number;
  resolve(): void;
  cancel(): void;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Lets pending work run: promise callbacks, and `setImmediate` callbacks (the engine
 * gathers log writes until the end of an event-loop phase when many steps run). Takes
 * event-loop turns while immediates are pending, up to a bound.
 */
async function settle(): Promise<void> {
  await turn();
  for (
    let turns = 0;
    turns < 20 && process.getActiveResourcesInfo().includes("Immediate");
    turns++
  ) {
    await turn();
  }
}

/**
 * A clock that only moves when told, for deterministic tests. `sleep` registers a timer;
 * `advance(ms)` moves time forward, firing due timers in order (ties in the order they
 * were set) and letting promise callbacks run after each, so work a timer triggers
 * (including new, shorter timers) happens at the right moment.
 * @example
 * const clock = new ManualClock();
 * const run = flow.start(input, { clock });
 * await clock.advance(100);
 */
export class ManualClock implements Clock {
  /** Every sleep requested, in ms, in order (to check retry delays and backoff). */
  readonly sleeps: number[] = [];
  #now: number;
  #order = 0;
  #timers: Timer[] = [];

  /** @param start the initial time in ms since the epoch. @default 0 */
  constructor(start = 0) {
    if (!Number.isFinite(start)) {
      throw new TypeError(`start: expected a finite number, received ${String(start)}`);
    }
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Timers set and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  sleep(ms: number, { signal }: { signal?: AbortSignal } = {}): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) {
      return Promise.reject(new CancelledError(undefined, { cause: signal.reason }));
    }
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#timers = this.#timers.filter((candidate) => candidate !== timer);
        reject(new CancelledError(undefined, { cause: signal?.reason }));
      };
      const timer: Timer = {
        due: this.#now + ms,
        order: this.#order++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        cancel: onAbort,
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  /** Moves time forward by `ms`, firing every timer due by then. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new TypeError(`ms: expected a number >= 0, received ${String(ms)}`);
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#next();
      if (!next || next.due > target) break;
      this.#fire(next);
      await settle();
    }
    this.#now = target;
    await settle();
  }

  /** Fires timers in order until none is left (new ones included), up to `limit` timers. */
  async runAll({ limit = 100_000 }: { limit?: number } = {}): Promise<void> {
    await settle();
    for (let fired = 0; ; fired++) {
      const next = this.#next();
      if (!next) return;
      if (fired >= limit)
        throw new Error(`runAll: more than ${limit} timers; is something looping?`);
      this.#fire(next);
      await settle();
    }
  }

  /**
   * Fires timers in order until `promise` settles, then returns what it settles with (time
   * stops at the timer that let it settle). Throws when nothing is pending and the promise
   * still has not settled after many event-loop turns, or past `limit` timers.
   * @example const result = await clock.runUntil(agent.run("hi"));
   */
  async runUntil<T>(
    promise: PromiseLike<T>,
    { limit = 100_000 }: { limit?: number } = {},
  ): Promise<T> {
    let settled = false;
    const done = Promise.resolve(promise);
    done.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await settle();
    for (let fired = 0, idle = 0; !settled; ) {
      const next = this.#next();
      if (next) {
        if (fired++ >= limit)
          throw new Error(`runUntil: more than ${limit} timers; is something looping?`);
        this.#fire(next);
        idle = 0;
        await settle();
      } else if (++idle > 1_000) {
        throw new Error("runUntil: no timer is pending, but the promise has not settled");
      } else {
        await turn();
      }
    }
    return done;
  }

  /** Lets pending promise callbacks run without moving time. */
  async flush(): Promise<void> {
    await settle();
  }

  #next(): Timer | undefined {
    let next: Timer | undefined;
    for (const timer of this.#timers) {
      if (!next || timer.due < next.due || (timer.due === next.due && timer.order < next.order)) {
        next = timer;
      }
    }
    return next;
  }

  #fire(timer: Timer): void {
    this.#timers = this.#timers.filter((candidate) => candidate !== timer);
    if (timer.due > this.#now) this.#now = timer.due;
    timer.resolve();
  }
}
