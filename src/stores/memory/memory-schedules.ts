import type {
  SchedulePatch,
  ScheduleRecord,
  ScheduleStore,
} from "../../core/ports/schedule-store.js";
import { checkId, checkListLimit, checkSchedule, checkSchedulePatch } from "../argument-checks.js";
import { jsonCopy } from "../json-copy.js";
import { StoreError } from "../store-error.js";

/**
 * The schedule half of MemoryStore, kept in its own file. Records are copied one level
 * deep (or through JSON, as the store is configured) on the way in and out.
 */
export class MemorySchedules implements ScheduleStore {
  readonly #schedules = new Map<string, ScheduleRecord>();
  readonly #json: boolean;
  readonly #assertOpen: () => void;

  constructor(options: { json: boolean; assertOpen: () => void }) {
    this.#json = options.json;
    this.#assertOpen = options.assertOpen;
  }

  async saveSchedule(schedule: ScheduleRecord): Promise<void> {
    this.#assertOpen();
    checkSchedule(schedule);
    this.#schedules.set(schedule.id, this.#out(schedule));
  }

  async getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    this.#assertOpen();
    const schedule = this.#schedules.get(id);
    return schedule === undefined ? undefined : this.#out(schedule);
  }

  async listSchedules(
    options: { paused?: boolean; target?: string; dueAt?: number; limit?: number } = {},
  ): Promise<ScheduleRecord[]> {
    this.#assertOpen();
    const { paused, target, dueAt, limit } = options;
    checkListLimit("listSchedules: options.limit", limit);
    const matches: ScheduleRecord[] = [];
    for (const schedule of this.#schedules.values()) {
      if (paused !== undefined && schedule.paused !== paused) continue;
      if (target !== undefined && schedule.target !== target) continue;
      if (
        dueAt !== undefined &&
        !(schedule.nextFireAt !== undefined && schedule.nextFireAt <= dueAt)
      ) {
        continue;
      }
      matches.push(schedule);
    }
    matches.sort(bySoonest);
    const picked = limit === undefined ? matches : matches.slice(0, limit);
    return picked.map((schedule) => this.#out(schedule));
  }

  async deleteSchedule(id: string): Promise<boolean> {
    this.#assertOpen();
    return this.#schedules.delete(id);
  }

  async updateSchedule(
    id: string,
    patch: SchedulePatch,
    options: { expectedNextFireAt?: number | null } = {},
  ): Promise<boolean> {
    this.#assertOpen();
    checkId("updateSchedule: id", id);
    checkSchedulePatch(patch);
    const schedule = this.#schedules.get(id);
    if (schedule === undefined) {
      throw new StoreError(`Schedule "${id}" not found`, { code: "schedule-not-found" });
    }
    const expected = options.expectedNextFireAt;
    if (expected !== undefined && (schedule.nextFireAt ?? null) !== expected) return false;
    const copy = this.#json ? jsonCopy : <T>(value: T): T => value;
    if (patch.target !== undefined) schedule.target = patch.target;
    if (patch.input !== undefined) schedule.input = copy(patch.input);
    if (patch.trigger !== undefined) schedule.trigger = { ...copy(patch.trigger) };
    if (patch.paused !== undefined) schedule.paused = patch.paused;
    if (patch.catchUp !== undefined) schedule.catchUp = patch.catchUp;
    if (patch.updatedAt !== undefined) schedule.updatedAt = patch.updatedAt;
    setOrClear(schedule, "timezone", patch.timezone);
    setOrClear(schedule, "nextFireAt", patch.nextFireAt);
    setOrClear(schedule, "lastFireAt", patch.lastFireAt);
    setOrClear(
      schedule,
      "metadata",
      patch.metadata === undefined ? undefined : copy(patch.metadata),
    );
    return true;
  }

  #out(schedule: ScheduleRecord): ScheduleRecord {
    if (this.#json) return jsonCopy(schedule);
    // The trigger is part of the record's shape, not a payload: never share it.
    return { ...schedule, trigger: { ...schedule.trigger } };
  }
}

function setOrClear<K extends "timezone" | "nextFireAt" | "lastFireAt" | "metadata">(
  schedule: ScheduleRecord,
  key: K,
  value: ScheduleRecord[K] | null | undefined,
): void {
  if (value === null) delete schedule[key];
  else if (value !== undefined) schedule[key] = value;
}

function bySoonest(a: ScheduleRecord, b: ScheduleRecord): number {
  const left = a.nextFireAt ?? Number.POSITIVE_INFINITY;
  const right = b.nextFireAt ?? Number.POSITIVE_INFINITY;
  if (left !== right) return left < right ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
