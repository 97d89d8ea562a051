import type {
  SchedulePatch,
  ScheduleRecord,
  ScheduleTrigger,
} from "../core/ports/schedule-store.js";
import { decodeJson, encodeJson } from "./json-text.js";

/** A value of a schedule column; booleans are stored as 0/1 where the database has none. */
export type ScheduleValue = string | number | boolean | null;

/** The columns of a schedule row in the SQL stores, in the order `toSchedule` reads them. */
export const scheduleColumns =
  "id, target, input, trigger, timezone, paused, next_fire_at, last_fire_at, catch_up, " +
  "created_at, updated_at, metadata";

/**
 * A schedule row of the SQL stores (`scheduleColumns`, in order) as a record without the
 * fields that are NULL. Booleans may be stored as 0/1 (SQLite) or as booleans.
 */
export function toSchedule(row: readonly unknown[]): ScheduleRecord {
  const [id, target, input, trigger, timezone, paused, nextFireAt, lastFireAt, catchUp] = row;
  const [createdAt, updatedAt, metadata] = row.slice(9);
  const schedule = { id, target } as ScheduleRecord;
  if (input !== null) schedule.input = decodeJson(input);
  schedule.trigger = decodeJson(trigger) as ScheduleTrigger;
  if (timezone !== null) schedule.timezone = timezone as string;
  schedule.paused = paused === 1 || paused === true;
  if (nextFireAt !== null) schedule.nextFireAt = nextFireAt as number;
  if (lastFireAt !== null) schedule.lastFireAt = lastFireAt as number;
  schedule.catchUp = catchUp === 1 || catchUp === true;
  schedule.createdAt = createdAt as number;
  schedule.updatedAt = updatedAt as number;
  if (metadata !== null) schedule.metadata = decodeJson(metadata) as Record<string, unknown>;
  return schedule;
}

/** A schedule's values in `scheduleColumns` order (input, trigger and metadata as JSON text). */
export function scheduleValues(schedule: ScheduleRecord): ScheduleValue[] {
  return [
    schedule.id,
    schedule.target,
    encodeJson("saveSchedule: schedule.input", schedule.input),
    encodeJson("saveSchedule: schedule.trigger", schedule.trigger),
    schedule.timezone ?? null,
    schedule.paused,
    schedule.nextFireAt ?? null,
    schedule.lastFireAt ?? null,
    schedule.catchUp,
    schedule.createdAt,
    schedule.updatedAt,
    encodeJson("saveSchedule: schedule.metadata", schedule.metadata),
  ];
}

/** The columns a schedule patch sets, and their values. */
export function schedulePatchColumns(
  patch: SchedulePatch,
): [column: string, value: ScheduleValue][] {
  const columns: [string, ScheduleValue][] = [];
  if (patch.target !== undefined) columns.push(["target", patch.target]);
  if (patch.input !== undefined) {
    columns.push(["input", encodeJson("updateSchedule: patch.input", patch.input)]);
  }
  if (patch.trigger !== undefined) {
    columns.push(["trigger", encodeJson("updateSchedule: patch.trigger", patch.trigger)]);
  }
  if (patch.timezone !== undefined) columns.push(["timezone", patch.timezone]);
  if (patch.paused !== undefined) columns.push(["paused", patch.paused]);
  if (patch.nextFireAt !== undefined) columns.push(["next_fire_at", patch.nextFireAt]);
  if (patch.lastFireAt !== undefined) columns.push(["last_fire_at", patch.lastFireAt]);
  if (patch.catchUp !== undefined) columns.push(["catch_up", patch.catchUp]);
  if (patch.updatedAt !== undefined) columns.push(["updated_at", patch.updatedAt]);
  if (patch.metadata !== undefined) {
    columns.push([
      "metadata",
      encodeJson("updateSchedule: patch.metadata", patch.metadata ?? undefined),
    ]);
  }
  return columns;
}
