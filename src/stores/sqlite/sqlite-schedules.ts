import type { SQLInputValue, SQLOutputValue } from "node:sqlite";
import type {
  SchedulePatch,
  ScheduleRecord,
  ScheduleStore,
} from "../../core/ports/schedule-store.js";
import { checkId, checkListLimit, checkSchedule, checkSchedulePatch } from "../argument-checks.js";
import {
  scheduleColumns as columns,
  type ScheduleValue,
  schedulePatchColumns,
  scheduleValues,
  toSchedule,
} from "../schedule-row.js";
import { StoreError } from "../store-error.js";
import type { StatementCache } from "./sqlite-codec.js";

/** The schedule half of SqliteStore: one row per schedule in the `schedules` table. */
export class SqliteSchedules implements ScheduleStore {
  readonly #statements: StatementCache;
  readonly #guard: <T>(action: string, work: () => T) => T;
  readonly #path: string;

  constructor(options: {
    statements: StatementCache;
    guard: <T>(action: string, work: () => T) => T;
    path: string;
  }) {
    this.#statements = options.statements;
    this.#guard = options.guard;
    this.#path = options.path;
  }

  async saveSchedule(schedule: ScheduleRecord): Promise<void> {
    checkSchedule(schedule);
    const values = scheduleValues(schedule).map(toSqlite);
    this.#guard("saveSchedule", () =>
      this.#statements
        .get(
          `INSERT OR REPLACE INTO schedules (${columns}) VALUES (${values.map(() => "?").join(", ")})`,
        )
        .run(...values),
    );
  }

  async getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    const row = this.#guard("getSchedule", () =>
      this.#statements
        .get(`SELECT ${columns} FROM schedules WHERE id = ?`, { arrays: true })
        .get(id),
    );
    return row === undefined ? undefined : toSchedule(row as unknown as SQLOutputValue[]);
  }

  async listSchedules(
    options: { paused?: boolean; target?: string; dueAt?: number; limit?: number } = {},
  ): Promise<ScheduleRecord[]> {
    const { paused, target, dueAt, limit } = options;
    checkListLimit("listSchedules: options.limit", limit);
    const where: string[] = [];
    const values: SQLInputValue[] = [];
    if (paused !== undefined) {
      where.push("paused = ?");
      values.push(paused ? 1 : 0);
    }
    if (target !== undefined) {
      where.push("target = ?");
      values.push(target);
    }
    if (dueAt !== undefined) {
      where.push("next_fire_at <= ?");
      values.push(dueAt);
    }
    if (limit !== undefined) values.push(limit);
    const sql =
      `SELECT ${columns} FROM schedules` +
      (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
      " ORDER BY next_fire_at IS NULL, next_fire_at, id" +
      (limit === undefined ? "" : " LIMIT ?");
    const rows = this.#guard("listSchedules", () =>
      this.#statements.get(sql, { arrays: true }).all(...values),
    ) as unknown as SQLOutputValue[][];
    return rows.map(toSchedule);
  }

  async deleteSchedule(id: string): Promise<boolean> {
    return this.#guard("deleteSchedule", () => {
      const result = this.#statements.get("DELETE FROM schedules WHERE id = ?").run(id);
      return Number(result.changes) > 0;
    });
  }

  async updateSchedule(
    id: string,
    patch: SchedulePatch,
    options: { expectedNextFireAt?: number | null } = {},
  ): Promise<boolean> {
    checkId("updateSchedule: id", id);
    checkSchedulePatch(patch);
    const columns = schedulePatchColumns(patch);
    const sets = columns.map(([column]) => `${column} = ?`);
    const values: SQLInputValue[] = columns.map(([, value]) => toSqlite(value));
    const expected = options.expectedNextFireAt;
    // `id = id` keeps the statement valid for an empty patch: it still checks the condition.
    let sql = `UPDATE schedules SET ${sets.length > 0 ? sets.join(", ") : "id = id"} WHERE id = ?`;
    values.push(id);
    if (expected === null) sql += " AND next_fire_at IS NULL";
    else if (expected !== undefined) {
      sql += " AND next_fire_at = ?";
      values.push(expected);
    }
    return this.#guard("updateSchedule", () => {
      const result = this.#statements.get(sql).run(...values);
      if (Number(result.changes) > 0) return true;
      if (this.#statements.get("SELECT 1 FROM schedules WHERE id = ?").get(id) === undefined) {
        throw new StoreError(`Schedule "${id}" not found`, {
          code: "schedule-not-found",
          path: this.#path,
        });
      }
      return false;
    });
  }
}

/** SQLite has no booleans: they are stored as 1 and 0. */
function toSqlite(value: ScheduleValue): SQLInputValue {
  return typeof value === "boolean" ? (value ? 1 : 0) : value;
}
