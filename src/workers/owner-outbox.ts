import type { Redis } from "ioredis";
import type { QueueKeys, ToOwner } from "./wire.js";

interface RunMessages {
  messages: ToOwner[];
  /** Since when the run's owner has not been reached (undefined while it is). */
  since: number | undefined;
  sending: boolean;
}

/** Fields of one hash to write, with the time the hash is kept. */
interface Books {
  fields: Record<string, string>;
  ttlMs: number;
}

/**
 * A worker's writes for the owners of the runs whose steps it runs: its messages, one ordered
 * stream per run, and the spend books of its deliveries (`keep`). What is gathered in one
 * turn goes out in one pipeline, one write on the connection: the books first, then each
 * run's messages as one publish. (On this kind of machine a write that wakes Redis costs
 * more than the JSON in it: fewer of them is what lets more steps share a core.)
 *
 * Pub/sub says how many listeners got a message: when none did (the run's owner died and no
 * other has taken the run over yet), the messages wait and go again every `retryMs`, or at
 * once when a new owner announces itself (`resend`). `onUnheard` is told when they start to
 * wait (the run may have ended: no owner will come); after `ownerWaitMs` without an owner,
 * `onOwnerGone` is told and the run's messages are dropped. Books are written whether or not
 * an owner listens, and written again when Redis was away.
 */
export class OwnerOutbox {
  readonly #connection: Redis;
  readonly #keys: QueueKeys;
  readonly #ownerWaitMs: number;
  readonly #onOwnerGone: (runId: string) => void;
  readonly #onUnheard: ((runId: string) => void) | undefined;
  readonly #runs = new Map<string, RunMessages>();
  readonly #books = new Map<string, Books>();
  readonly #due = new Set<string>();
  readonly #timer: NodeJS.Timeout;
  #scheduled = false;

  constructor(
    connection: Redis,
    keys: QueueKeys,
    options: {
      ownerWaitMs: number;
      retryMs?: number;
      onOwnerGone: (runId: string) => void;
      /** A run's messages found no owner listening, where one did before (or none yet). */
      onUnheard?: (runId: string) => void;
    },
  ) {
    this.#connection = connection;
    this.#keys = keys;
    this.#ownerWaitMs = options.ownerWaitMs;
    this.#onOwnerGone = options.onOwnerGone;
    this.#onUnheard = options.onUnheard;
    this.#timer = setInterval(() => {
      for (const [runId, run] of this.#runs) if (run.messages.length > 0) this.#due.add(runId);
      this.#flush();
    }, options.retryMs ?? 200);
    this.#timer.unref();
  }

  send(runId: string, message: ToOwner): void {
    let run = this.#runs.get(runId);
    if (!run) {
      run = { messages: [], since: undefined, sending: false };
      this.#runs.set(runId, run);
    }
    run.messages.push(message);
    // Behind messages that wait for an owner: they go together when one is back.
    if (run.since !== undefined) return;
    this.#due.add(runId);
    this.#schedule();
  }

  /**
   * Writes `field` of hash `key` (kept `ttlMs` from then) with this turn's messages, before
   * them: a message sent after it may tell the owner to read it.
   */
  keep(key: string, field: string, value: string, ttlMs: number): void {
    const books = this.#books.get(key);
    if (books) {
      books.fields[field] = value;
      books.ttlMs = ttlMs;
    } else {
      this.#books.set(key, { fields: { [field]: value }, ttlMs });
    }
    this.#schedule();
  }

  /** A new owner took `runId` over: send what waits now. */
  resend(runId: string): void {
    if (!this.#runs.has(runId)) return;
    this.#due.add(runId);
    this.#flush();
  }

  /** Drops what waits for `runId`'s owner (its run ended: none will listen). */
  drop(runId: string): void {
    this.#runs.delete(runId);
  }

  /** Whether messages or books still wait to be written. */
  get idle(): boolean {
    if (this.#books.size > 0) return false;
    for (const run of this.#runs.values()) if (run.messages.length > 0) return false;
    return true;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    const books = [...this.#books];
    this.#books.clear();
    const batches: { runId: string; run: RunMessages; batch: ToOwner[] }[] = [];
    for (const runId of this.#due) {
      const run = this.#runs.get(runId);
      if (!run || run.sending || run.messages.length === 0) continue;
      run.sending = true;
      batches.push({ runId, run, batch: run.messages.splice(0) });
    }
    this.#due.clear();
    if (books.length === 0 && batches.length === 0) return;
    const pipeline = this.#connection.pipeline();
    for (const [key, { fields, ttlMs }] of books) pipeline.hset(key, fields).pexpire(key, ttlMs);
    for (const { runId, batch } of batches) {
      pipeline.publish(this.#keys.run(runId), JSON.stringify(batch));
    }
    pipeline.exec().then(
      (replies) => {
        books.forEach(([key, books], index) => {
          if (replies?.[index * 2]?.[0]) this.#keepAgain(key, books);
        });
        batches.forEach(({ runId, run, batch }, index) => {
          const [error, listeners] = replies?.[books.length * 2 + index] ?? [];
          this.#published(runId, run, batch, error ? undefined : Number(listeners));
        });
      },
      () => {
        for (const [key, kept] of books) this.#keepAgain(key, kept);
        for (const { runId, run, batch } of batches) this.#published(runId, run, batch, undefined);
      },
    );
  }

  /** Books that did not reach Redis go with the next write, under newer values of a field. */
  #keepAgain(key: string, books: Books): void {
    const newer = this.#books.get(key);
    this.#books.set(key, {
      fields: { ...books.fields, ...newer?.fields },
      ttlMs: newer?.ttlMs ?? books.ttlMs,
    });
    this.#schedule();
  }

  /** What a publish of `batch` did: reached `listeners` owners, or Redis was away (undefined). */
  #published(runId: string, run: RunMessages, batch: ToOwner[], listeners: number | undefined) {
    run.sending = false;
    if (listeners === undefined) {
      // Redis is away: keep the messages and try again.
      run.messages.unshift(...batch);
      return;
    }
    if (listeners > 0) {
      run.since = undefined;
      if (run.messages.length > 0) {
        this.#due.add(runId);
        this.#schedule();
      } else this.#runs.delete(runId);
      return;
    }
    run.messages.unshift(...batch);
    if (run.since === undefined) {
      run.since = Date.now();
      this.#onUnheard?.(runId);
    }
    if (Date.now() - run.since >= this.#ownerWaitMs) {
      this.#runs.delete(runId);
      this.#onOwnerGone(runId);
    }
  }
}
