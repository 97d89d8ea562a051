import type { Sql } from "postgres";

/**
 * The watchers of PostgresStore's runs: one LISTEN on the schema's channel (the driver
 * keeps it on a connection of its own and listens again after a reconnection), each
 * notification handed to the watchers of the run it names. After every (re)connection all
 * watchers are called, since appends may have been missed meanwhile.
 */
export class PostgresLogWatch {
  readonly #sql: Sql;
  readonly #channel: string;
  readonly #watchers = new Map<string, Set<() => void>>();
  #listening: Promise<unknown> | undefined;

  constructor(sql: Sql, channel: string) {
    this.#sql = sql;
    this.#channel = channel;
  }

  /** Calls `onChange` on each append to `runId`; resolves once listening, with a stop function. */
  async watch(runId: string, onChange: () => void): Promise<() => Promise<void>> {
    let listeners = this.#watchers.get(runId);
    if (!listeners) {
      listeners = new Set();
      this.#watchers.set(runId, listeners);
    }
    listeners.add(onChange);
    this.#listening ??= this.#sql
      .listen(
        this.#channel,
        (payload) => this.#notified(payload),
        () => this.#resync(),
      )
      .catch((error: unknown) => {
        // The next watcher tries again.
        this.#listening = undefined;
        throw error;
      });
    try {
      await this.#listening;
    } catch (error) {
      this.#unwatch(runId, onChange);
      throw error;
    }
    return async () => this.#unwatch(runId, onChange);
  }

  /** Forgets every watcher (the store is closing). */
  clear(): void {
    this.#watchers.clear();
  }

  /** A notification's payload is `<runId> <last seq>`. */
  #notified(payload: string): void {
    const runId = payload.slice(0, payload.lastIndexOf(" "));
    for (const listener of this.#watchers.get(runId) ?? []) listener();
  }

  #resync(): void {
    for (const listeners of this.#watchers.values()) for (const listener of listeners) listener();
  }

  #unwatch(runId: string, onChange: () => void): void {
    const listeners = this.#watchers.get(runId);
    listeners?.delete(onChange);
    if (listeners?.size === 0) this.#watchers.delete(runId);
  }
}
