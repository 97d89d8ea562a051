import type { SQLInputValue, StatementSync } from "node:sqlite";
import type { LoggedEvent } from "../../core/ports/run-store.js";
import { notOwner } from "../argument-checks.js";
import type { StatementCache } from "./sqlite-codec.js";

/** Batches up to this many events take the one-statement fast path. */
const maxRowsPerInsert = 32;
/** Runs whose last sequence number a handle keeps (the runs it is appending to). */
const lastSeqCacheSize = 1024;
/** SQLITE_CONSTRAINT_PRIMARYKEY: the (run, seq) row exists. */
const primaryKeyConflict = 1555;

/**
 * The append path of SqliteStore. It keeps the last sequence number it appended per run,
 * so an append numbers its events without reading the log first and writes them with one
 * multi-row INSERT in autocommit mode (a statement is atomic on its own: one transaction,
 * one commit). When another handle appended meanwhile, the numbers collide, nothing is
 * written, and the append takes the checked path: a transaction that reads the run and
 * its last sequence number first. An append that names its `owner` inserts only while the
 * run's row names that owner (the same one statement, with a condition on the row), so a
 * process that lost the run cannot write one more event.
 */
export class SqliteAppender {
  readonly #statements: StatementCache;
  readonly #runNotFound: (runId: string) => Error;
  readonly #lastSeq = new Map<string, number>();
  /** Multi-row INSERT statements by row count, and the owner-checked ones. */
  readonly #inserts: (StatementSync | undefined)[] = [];
  readonly #ownedInserts: (StatementSync | undefined)[] = [];

  constructor(statements: StatementCache, runNotFound: (runId: string) => Error) {
    this.#statements = statements;
    this.#runNotFound = runNotFound;
  }

  /** Appends serialized events; returns their sequence numbers. */
  append(
    runId: string,
    events: readonly LoggedEvent[],
    payloads: readonly (string | null)[],
    owner?: string,
  ): number[] {
    const count = events.length;
    const last = this.#lastSeq.get(runId);
    if (last !== undefined && count > 0 && count <= maxRowsPerInsert) {
      const seqs = this.#insertAfter(runId, last, events, payloads, owner);
      if (seqs) return seqs;
    }
    return this.#appendChecked(runId, events, payloads, owner);
  }

  /** Keeps the last sequence number of a run (a bounded map, oldest out). */
  remember(runId: string, seq: number): void {
    const cache = this.#lastSeq;
    cache.delete(runId);
    cache.set(runId, seq);
    if (cache.size > lastSeqCacheSize) cache.delete(cache.keys().next().value!);
  }

  /**
   * The fast path; `undefined` when another handle appended in between, or the owner check
   * failed (nothing written: the checked path says why).
   */
  #insertAfter(
    runId: string,
    last: number,
    events: readonly LoggedEvent[],
    payloads: readonly (string | null)[],
    owner: string | undefined,
  ): number[] | undefined {
    const count = events.length;
    const values: SQLInputValue[] = new Array(count * 5 + (owner === undefined ? 0 : 2));
    const seqs: number[] = new Array(count);
    for (let index = 0; index < count; index++) {
      const event = events[index]!;
      const offset = index * 5;
      seqs[index] = last + index + 1;
      values[offset] = runId;
      values[offset + 1] = last + index + 1;
      values[offset + 2] = event.type;
      values[offset + 3] = event.at;
      values[offset + 4] = payloads[index]!;
    }
    if (owner !== undefined) {
      values[count * 5] = runId;
      values[count * 5 + 1] = owner;
    }
    try {
      const inserted = this.#insertRows(count, owner !== undefined).run(...values);
      if (Number(inserted.changes) !== count) return undefined;
    } catch (error) {
      if ((error as { errcode?: number }).errcode === primaryKeyConflict) {
        this.#lastSeq.delete(runId);
        return undefined;
      }
      throw error;
    }
    this.#lastSeq.set(runId, last + count);
    return seqs;
  }

  #appendChecked(
    runId: string,
    events: readonly LoggedEvent[],
    payloads: readonly (string | null)[],
    owner: string | undefined,
  ): number[] {
    const statements = this.#statements;
    const count = events.length;
    return statements.transaction(() => {
      const [present, holder, last] = statements
        .get(
          "SELECT (SELECT 1 FROM runs WHERE id = ?1), (SELECT owner FROM runs WHERE id = ?1), " +
            "(SELECT MAX(seq) FROM events WHERE run_id = ?1)",
          { arrays: true },
        )
        .get(runId) as unknown as [number | null, string | null, number | null];
      if (present === null) throw this.#runNotFound(runId);
      if (owner !== undefined && holder !== owner) {
        throw notOwner(runId, owner, holder ?? undefined);
      }
      const insert = statements.get(
        "INSERT INTO events (run_id, seq, type, at, payload) VALUES (?, ?, ?, ?, ?)",
      );
      const seqs: number[] = new Array(count);
      let seq = last ?? 0;
      for (let index = 0; index < count; index++) {
        const event = events[index]!;
        insert.run(runId, ++seq, event.type, event.at, payloads[index]!);
        seqs[index] = seq;
      }
      this.remember(runId, seq);
      return seqs;
    });
  }

  #insertRows(count: number, owned: boolean): StatementSync {
    const cache = owned ? this.#ownedInserts : this.#inserts;
    let statement = cache[count];
    if (statement === undefined) {
      const rows = Array.from({ length: count }, () => "(?, ?, ?, ?, ?)").join(", ");
      statement = this.#statements.get(
        owned
          ? `INSERT INTO events (run_id, seq, type, at, payload) SELECT * FROM (VALUES ${rows}) ` +
              "WHERE (SELECT owner FROM runs WHERE id = ?) IS ?"
          : `INSERT INTO events (run_id, seq, type, at, payload) VALUES ${rows}`,
      );
      cache[count] = statement;
    }
    return statement;
  }
}
