import type { Redis } from "ioredis";
import type { QueueKeys, ToOwner } from "./wire.js";

interface RunMessages {
  messages: ToOwner[];
  /** Since when the run's owner has not been reached (undefined while it is). */
  since: number | undefined;
  sending: boolean;
}

/**
 * A worker's messages to the owners of the runs whose steps it runs, one ordered stream
 * per run. Messages gathered in one turn go out as one publish. Pub/sub says how many
 * listeners got a message: when none did (the run's owner died and no other has taken the
 * run over yet), the messages wait and go again every `retryMs`, or at once when a new
 * owner announces itself (`resend`). After `ownerWaitMs` without an owner, `onOwnerGone`
 * is told and the run's messages are dropped.
 */
export class OwnerOutbox {
  readonly #connection: Redis;
  readonly #keys: QueueKeys;
  readonly #ownerWaitMs: number;
  readonly #onOwnerGone: (runId: string) => void;
  readonly #runs = new Map<string, RunMessages>();
  readonly #due = new Set<string>();
  readonly #timer: NodeJS.Timeout;
  #scheduled = false;

  constructor(
    connection: Redis,
    keys: QueueKeys,
    options: { ownerWaitMs: number; retryMs?: number; onOwnerGone: (runId: string) => void },
  ) {
    this.#connection = connection;
    this.#keys = keys;
    this.#ownerWaitMs = options.ownerWaitMs;
    this.#onOwnerGone = options.onOwnerGone;
    this.#timer = setInterval(() => {
      for (const [runId, run] of this.#runs) if (run.messages.length > 0) this.#send(runId);
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
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      for (const due of this.#due) this.#send(due);
      this.#due.clear();
    });
  }

  /** A new owner took `runId` over: send what waits now. */
  resend(runId: string): void {
    if (this.#runs.has(runId)) this.#send(runId);
  }

  /** Whether messages still wait to be sent. */
  get idle(): boolean {
    for (const run of this.#runs.values()) if (run.messages.length > 0) return false;
    return true;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #send(runId: string): void {
    const run = this.#runs.get(runId);
    if (!run || run.sending || run.messages.length === 0) return;
    const batch = run.messages.splice(0);
    run.sending = true;
    this.#connection.publish(this.#keys.run(runId), JSON.stringify(batch)).then(
      (listeners) => {
        run.sending = false;
        if (listeners > 0) {
          run.since = undefined;
          if (run.messages.length > 0) this.#send(runId);
          else this.#runs.delete(runId);
          return;
        }
        run.messages.unshift(...batch);
        run.since ??= Date.now();
        if (Date.now() - run.since >= this.#ownerWaitMs) {
          this.#runs.delete(runId);
          this.#onOwnerGone(runId);
        }
      },
      () => {
        // Redis is away: keep the messages and try again.
        run.sending = false;
        run.messages.unshift(...batch);
      },
    );
  }
}
