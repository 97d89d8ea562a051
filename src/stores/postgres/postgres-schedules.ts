import type { Sql } from "postgres";
import type {
  SchedulePatch,
  ScheduleRecord,
  ScheduleStore,
} from "../../core/ports/schedule-store.js";
import { checkId, checkListLimit, checkSchedule, checkSchedulePatch } from "../argument-checks.js";
import {
  type ScheduleValue,
  scheduleColumns,
  schedulePatchColumns,
  scheduleValues,
  toSchedule,
} from "../schedule-row.js";
import { StoreError } from "../store-error.js";

type Value = ScheduleValue;
type Guard = <T>(action: string, work: () => Promise<T>) => Promise<T>;

/** The schedule half of PostgresStore: one row per schedule in the `schedules` table. */
export class PostgresSchedules implements ScheduleStore {
  readonly #sql: Sql;
  readonly #guard: Guard;

  constructor(sql: Sql, guard: Guard) {
    this.#sql = sql;
    this.#guard = guard;
  }

  async saveSchedule(schedule: ScheduleRecord): Promise<void> {
    checkSchedule(schedule);
    const values = scheduleValues(schedule);
    const columns = scheduleColumns.split(", ");
    const text =
      `INSERT INTO schedules (${scheduleColumns}) VALUES (${values.map((_, index) => `$${index + 1}`).join(", ")}) ` +
      `ON CONFLICT (id) DO UPDATE SET ${columns
        .slice(1)
        .map((column) => `${column} = EXCLUDED.${column}`)
        .join(", ")}`;
    await this.#run("saveSchedule", text, values);
  }

  async getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    const rows = await this.#run(
      "getSchedule",
      `SELECT ${scheduleColumns} FROM schedules WHERE id = $1`,
      [id],
    );
    return rows[0] === undefined ? undefined : toSchedule(rows[0]);
  }

  async listSchedules(
    options: { paused?: boolean; target?: string; dueAt?: number; limit?: number } = {},
  ): Promise<ScheduleRecord[]> {
    const { paused, target, dueAt, limit } = options;
    checkListLimit("listSchedules: options.limit", limit);
    const where: string[] = [];
    const values: Value[] = [];
    const condition = (sql: (placeholder: string) => string, value: Value) => {
      values.push(value);
      where.push(sql(`$${values.length}`));
    };
    if (paused !== undefined) condition((p) => `paused = ${p}`, paused);
    if (target !== undefined) condition((p) => `target = ${p}`, target);
    if (dueAt !== undefined) condition((p) => `next_fire_at <= ${p}`, dueAt);
    if (limit !== undefined) values.push(limit);
    const text =
      `SELECT ${scheduleColumns} FROM schedules` +
      (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
      " ORDER BY next_fire_at IS NULL, next_fire_at, id" +
      (limit === undefined ? "" : ` LIMIT $${values.length}`);
    return (await this.#run("listSchedules", text, values)).map(toSchedule);
  }

  async deleteSchedule(id: string): Promise<boolean> {
    const rows = await this.#run(
      "deleteSchedule",
      "DELETE FROM schedules WHERE id = $1 RETURNING 1",
      [id],
    );
    return rows.length > 0;
  }

  async updateSchedule(
    id: string,
    patch: SchedulePatch,
    options: { expectedNextFireAt?: number | null } = {},
  ): Promise<boolean> {
    checkId("updateSchedule: id", id);
    checkSchedulePatch(patch);
    const columns = schedulePatchColumns(patch);
    const sets = columns.map(([column], index) => `${column} = $${index + 2}`);
    const values = [id, ...columns.map(([, value]) => value)];
    const expected = options.expectedNextFireAt;
    // `id = id` keeps the statement valid for an empty patch: it still checks the condition.
    let text = `UPDATE schedules SET ${sets.length > 0 ? sets.join(", ") : "id = id"} WHERE id = $1`;
    if (expected === null) text += " AND next_fire_at IS NULL";
    else if (expected !== undefined) {
      values.push(expected);
      text += ` AND next_fire_at = $${values.length}`;
    }
    // A compare-and-set: under READ COMMITTED, an update that waited for another one's row
    // lock checks `next_fire_at` again on the row that one left, so one scheduler wins a slot.
    const updated = await this.#run("updateSchedule", `${text} RETURNING 1`, values);
    if (updated.length > 0) return true;
    const found = await this.#run("updateSchedule", "SELECT 1 FROM schedules WHERE id = $1", [id]);
    if (found.length === 0) {
      throw new StoreError(`Schedule "${id}" not found`, { code: "schedule-not-found" });
    }
    return false;
  }

  #run(action: string, text: string, values: Value[]): Promise<unknown[][]> {
    return this.#guard(action, () => this.#sql.unsafe(text, values, { prepare: true }).values());
  }
}
