import type { SQLInputValue, StatementSync } from "node:sqlite";
import type { LoggedEvent } from "../../core/ports/run-store.js";
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
 * its last sequence number first.
 */
export class SqliteAppender {
  readonly #statements: StatementCache;
  readonly #runNotFound: (runId: string) => Error;
  readonly #lastSeq = new Map<string, number>();
  /** Multi-row INSERT statements by row count. */
  readonly #inserts: (StatementSync | undefined)[] = [];

  constructor(statements: StatementCache, runNotFound: (runId: string) => Error) {
    this.#statements = statements;
    this.#runNotFound = runNotFound;
  }

  /** Appends serialized events; returns their sequence numbers. */
  append(
    runId: string,
    events: readonly LoggedEvent[],
    payloads: readonly (string | null)[],
  ): number[] {
    const count = events.length;
    const last = this.#lastSeq.get(runId);
    if (last !== undefined && count > 0 && count <= maxRowsPerInsert) {
      const seqs = this.#insertAfter(runId, last, events, payloads);
      if (seqs) return seqs;
    }
    return this.#appendChecked(runId, events, payloads);
  }

  /** Keeps the last sequence number of a run (a bounded map, oldest out). */
  remember(runId: string, seq: number): void {
    const cache = this.#lastSeq;
    cache.delete(runId);
    cache.set(runId, seq);
    if (cache.size > lastSeqCacheSize) cache.delete(cache.keys().next().value!);
  }

  /** The fast path; `undefined` when another handle appended in between (nothing written). */
  #insertAfter(
    runId: string,
    last: number,
    events: readonly LoggedEvent[],
    payloads: readonly (string | null)[],
  ): number[] | undefined {
    const count = events.length;
    const values: SQLInputValue[] = new Array(count * 5);
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
    try {
      this.#insertRows(count).run(...values);
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
  ): number[] {
    const statements = this.#statements;
    const count = events.length;
    return statements.transaction(() => {
      const [present, last] = statements
        .get(
          "SELECT (SELECT 1 FROM runs WHERE id = ?1), (SELECT MAX(seq) FROM events WHERE run_id = ?1)",
          { arrays: true },
        )
        .get(runId) as unknown as [number | null, number | null];
      if (present === null) throw this.#runNotFound(runId);
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

  #insertRows(count: number): StatementSync {
    let statement = this.#inserts[count];
    if (statement === undefined) {
      const rows = Array.from({ length: count }, () => "(?, ?, ?, ?, ?)").join(", ");
      statement = this.#statements.get(
        `INSERT INTO events (run_id, seq, type, at, payload) VALUES ${rows}`,
      );
      this.#inserts[count] = statement;
    }
    return statement;
  }
}
