import type { SQLInputValue, SQLOutputValue } from "node:sqlite";
import type {
  SchedulePatch,
  ScheduleRecord,
  ScheduleStore,
  ScheduleTrigger,
} from "../../core/ports/schedule-store.js";
import { checkId, checkListLimit, checkSchedule, checkSchedulePatch } from "../argument-checks.js";
import { StoreError } from "../store-error.js";
import { decodeJson, encodeJson, type StatementCache } from "./sqlite-codec.js";

const columns =
  "id, target, input, trigger, timezone, paused, next_fire_at, last_fire_at, catch_up, " +
  "created_at, updated_at, metadata";

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
    const values: SQLInputValue[] = [
      schedule.id,
      schedule.target,
      encodeJson("saveSchedule: schedule.input", schedule.input),
      encodeJson("saveSchedule: schedule.trigger", schedule.trigger),
      schedule.timezone ?? null,
      schedule.paused ? 1 : 0,
      schedule.nextFireAt ?? null,
      schedule.lastFireAt ?? null,
      schedule.catchUp ? 1 : 0,
      schedule.createdAt,
      schedule.updatedAt,
      encodeJson("saveSchedule: schedule.metadata", schedule.metadata),
    ];
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
    const sets: string[] = [];
    const values: SQLInputValue[] = [];
    const set = (column: string, value: SQLInputValue) => {
      sets.push(`${column} = ?`);
      values.push(value);
    };
    if (patch.target !== undefined) set("target", patch.target);
    if (patch.input !== undefined)
      set("input", encodeJson("updateSchedule: patch.input", patch.input));
    if (patch.trigger !== undefined) {
      set("trigger", encodeJson("updateSchedule: patch.trigger", patch.trigger));
    }
    if (patch.timezone !== undefined) set("timezone", patch.timezone);
    if (patch.paused !== undefined) set("paused", patch.paused ? 1 : 0);
    if (patch.nextFireAt !== undefined) set("next_fire_at", patch.nextFireAt);
    if (patch.lastFireAt !== undefined) set("last_fire_at", patch.lastFireAt);
    if (patch.catchUp !== undefined) set("catch_up", patch.catchUp ? 1 : 0);
    if (patch.updatedAt !== undefined) set("updated_at", patch.updatedAt);
    if (patch.metadata !== undefined) {
      set("metadata", encodeJson("updateSchedule: patch.metadata", patch.metadata ?? undefined));
    }
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

/** A row of `columns`, in order, as a record without the fields that are NULL. */
function toSchedule(row: SQLOutputValue[]): ScheduleRecord {
  const [id, target, input, trigger, timezone, paused, nextFireAt, lastFireAt, catchUp] = row;
  const [createdAt, updatedAt, metadata] = row.slice(9);
  const schedule = { id, target } as ScheduleRecord;
  if (input !== null) schedule.input = decodeJson(input);
  schedule.trigger = decodeJson(trigger) as ScheduleTrigger;
  if (timezone !== null) schedule.timezone = timezone as string;
  schedule.paused = paused === 1;
  if (nextFireAt !== null) schedule.nextFireAt = nextFireAt as number;
  if (lastFireAt !== null) schedule.lastFireAt = lastFireAt as number;
  schedule.catchUp = catchUp === 1;
  schedule.createdAt = createdAt as number;
  schedule.updatedAt = updatedAt as number;
  if (metadata !== null) schedule.metadata = decodeJson(metadata) as Record<string, unknown>;
  return schedule;
}
