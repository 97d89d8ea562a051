import type { DatabaseSync, StatementSync } from "node:sqlite";

/**
 * JSON in and out of TEXT columns. `undefined` is stored as SQL NULL and read back as
 * absent; every other value as its JSON text, so `null` survives as `null`.
 */
export function encodeJson(
  where: string | ((index: number) => string),
  value: unknown,
  index = 0,
): string | null {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // `where` may be a function so the hot path never builds a label it does not use.
    const label = typeof where === "string" ? where : where(index);
    throw new TypeError(`${label} cannot be stored as JSON: ${reason}`, { cause: error });
  }
  return text === undefined ? null : text;
}

export function decodeJson(text: unknown): unknown {
  return typeof text === "string" ? JSON.parse(text) : undefined;
}

/** Whether an event has fields besides `type` and `at` (else its payload is stored as NULL). */
export function hasFields(fields: object): boolean {
  for (const _ in fields) return true;
  return false;
}

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
