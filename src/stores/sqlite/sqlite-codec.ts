import type { DatabaseSync, StatementSync } from "node:sqlite";

// JSON in TEXT columns is shared with the other SQL store.
export { decodeJson, encodeJson, hasFields } from "../json-text.js";

/** Prepared statements by SQL text, so each distinct query is compiled once per connection. */
export class StatementCache {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  get(sql: string, options: { arrays?: boolean } = {}): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      if (options.arrays) statement.setReturnArrays(true);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `work` in a write transaction taken up front, so it never fails half-way to upgrade. */
  transaction<T>(work: () => T): T {
    this.get("BEGIN IMMEDIATE").run();
    try {
      const result = work();
      this.get("COMMIT").run();
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.get("ROLLBACK").run();
      throw error;
    }
  }
}
