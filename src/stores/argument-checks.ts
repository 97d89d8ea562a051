import {
  type LoggedEvent,
  type NewRunRecord,
  RUN_STATUSES,
  type RunPatch,
} from "../core/ports/run-store.js";
import type { SchedulePatch, ScheduleRecord } from "../core/ports/schedule-store.js";
import { StoreError } from "./store-error.js";

/**
 * Argument checks every store shares, so adapters reject the same bad input with the same
 * `TypeError`. They are typeof checks only: cheap enough for the append path.
 */

const statuses: ReadonlySet<string> = new Set<string>(RUN_STATUSES);

export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value;
}

function fail(where: string, expected: string, received: unknown): never {
  throw new TypeError(`${where} must be ${expected}, received ${describeValue(received)}`);
}

export function checkId(where: string, id: unknown): asserts id is string {
  if (typeof id !== "string" || id.length === 0) fail(where, "a non-empty string", id);
}

function checkTime(where: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(where, "a finite number", value);
}

function checkStatus(where: string, value: unknown): void {
  if (typeof value !== "string" || !statuses.has(value)) fail(where, "a run status", value);
}

export function checkNewRun(run: NewRunRecord): void {
  if (typeof run !== "object" || run === null) fail("createRun: run", "an object", run);
  checkId("createRun: run.id", run.id);
  if (typeof run.workflow !== "string") fail("createRun: run.workflow", "a string", run.workflow);
  checkStatus("createRun: run.status", run.status);
  checkTime("createRun: run.createdAt", run.createdAt);
  if (run.parentId !== undefined) checkId("createRun: run.parentId", run.parentId);
  if (run.metadata !== undefined && (typeof run.metadata !== "object" || run.metadata === null)) {
    fail("createRun: run.metadata", "an object", run.metadata);
  }
}

export function checkEvents(events: readonly LoggedEvent[]): void {
  if (!Array.isArray(events)) fail("append: events", "an array", events);
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    if (typeof event !== "object" || event === null)
      fail(`append: events[${index}]`, "an object", event);
    if (typeof event.type !== "string")
      fail(`append: events[${index}].type`, "a string", event.type);
    if (typeof event.at !== "number") fail(`append: events[${index}].at`, "a number", event.at);
  }
}

export function checkRunPatch(patch: RunPatch): void {
  if (typeof patch !== "object" || patch === null) fail("updateRun: patch", "an object", patch);
  if (patch.status !== undefined) checkStatus("updateRun: patch.status", patch.status);
  if (patch.updatedAt !== undefined) checkTime("updateRun: patch.updatedAt", patch.updatedAt);
  if (patch.heartbeatAt !== undefined) checkTime("updateRun: patch.heartbeatAt", patch.heartbeatAt);
  if (patch.owner !== undefined && patch.owner !== null)
    checkId("updateRun: patch.owner", patch.owner);
  if (patch.error !== undefined && typeof patch.error !== "string") {
    fail("updateRun: patch.error", "a string", patch.error);
  }
}

export function checkClaim(owner: string, options: { now: number; staleBefore: number }): void {
  checkId("claimRun: owner", owner);
  if (typeof options !== "object" || options === null)
    fail("claimRun: options", "an object", options);
  checkTime("claimRun: options.now", options.now);
  checkTime("claimRun: options.staleBefore", options.staleBefore);
}

export function checkOwnerOption(options: { owner?: string }): void {
  if (typeof options !== "object" || options === null)
    fail("append: options", "an object", options);
  if (options.owner !== undefined) checkId("append: options.owner", options.owner);
}

/** The error of an append whose `owner` no longer holds the run. */
export function notOwner(runId: string, owner: string, holder: string | undefined): StoreError {
  return new StoreError(
    `Run "${runId}" is not owned by ${owner} (it is owned by ${holder ?? "no one"}): another process took it over`,
    { code: "not-owner" },
  );
}

export function checkReadLogOptions(options: { afterSeq?: number }): number {
  if (typeof options !== "object" || options === null)
    fail("readLog: options", "an object", options);
  const afterSeq = options.afterSeq ?? 0;
  if (typeof afterSeq !== "number" || Number.isNaN(afterSeq)) {
    fail("readLog: options.afterSeq", "a number", afterSeq);
  }
  return afterSeq;
}

export function checkListLimit(where: string, limit: unknown): void {
  if (limit !== undefined && (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0)) {
    fail(where, "a non-negative integer", limit);
  }
}

function checkTrigger(where: string, trigger: ScheduleRecord["trigger"]): void {
  if (typeof trigger !== "object" || trigger === null) fail(where, "an object", trigger);
  switch (trigger.kind) {
    case "once":
      checkTime(`${where}.at`, trigger.at);
      return;
    case "every":
      if (typeof trigger.everyMs !== "number" || !(trigger.everyMs > 0)) {
        fail(`${where}.everyMs`, "a positive number", trigger.everyMs);
      }
      return;
    case "cron":
      if (typeof trigger.expression !== "string" || trigger.expression.trim() === "") {
        fail(`${where}.expression`, "a non-empty string", trigger.expression);
      }
      return;
    default:
      fail(`${where}.kind`, '"once", "every" or "cron"', (trigger as { kind: unknown }).kind);
  }
}

export function checkSchedule(schedule: ScheduleRecord): void {
  const where = "saveSchedule: schedule";
  if (typeof schedule !== "object" || schedule === null) fail(where, "an object", schedule);
  checkId(`${where}.id`, schedule.id);
  if (typeof schedule.target !== "string") fail(`${where}.target`, "a string", schedule.target);
  checkTrigger(`${where}.trigger`, schedule.trigger);
  if (typeof schedule.paused !== "boolean") fail(`${where}.paused`, "a boolean", schedule.paused);
  if (typeof schedule.catchUp !== "boolean")
    fail(`${where}.catchUp`, "a boolean", schedule.catchUp);
  checkTime(`${where}.createdAt`, schedule.createdAt);
  checkTime(`${where}.updatedAt`, schedule.updatedAt);
  if (schedule.nextFireAt !== undefined) checkTime(`${where}.nextFireAt`, schedule.nextFireAt);
  if (schedule.lastFireAt !== undefined) checkTime(`${where}.lastFireAt`, schedule.lastFireAt);
  if (schedule.timezone !== undefined && typeof schedule.timezone !== "string") {
    fail(`${where}.timezone`, "a string", schedule.timezone);
  }
}

export function checkSchedulePatch(patch: SchedulePatch): void {
  const where = "updateSchedule: patch";
  if (typeof patch !== "object" || patch === null) fail(where, "an object", patch);
  if (patch.target !== undefined && typeof patch.target !== "string") {
    fail(`${where}.target`, "a string", patch.target);
  }
  if (patch.trigger !== undefined) checkTrigger(`${where}.trigger`, patch.trigger);
  if (patch.paused !== undefined && typeof patch.paused !== "boolean") {
    fail(`${where}.paused`, "a boolean", patch.paused);
  }
  if (patch.catchUp !== undefined && typeof patch.catchUp !== "boolean") {
    fail(`${where}.catchUp`, "a boolean", patch.catchUp);
  }
  for (const key of ["nextFireAt", "lastFireAt", "updatedAt"] as const) {
    const value = patch[key];
    if (value !== undefined && value !== null) checkTime(`${where}.${key}`, value);
  }
  if (
    patch.timezone !== undefined &&
    patch.timezone !== null &&
    typeof patch.timezone !== "string"
  ) {
    fail(`${where}.timezone`, "a string", patch.timezone);
  }
}

/** Checks a response cache store's key and time (`now` or `expiresAt`) arguments. */
export function checkCacheEntry(
  method: string,
  key: unknown,
  time: { name: "now" | "expiresAt"; value: unknown },
): void {
  checkId(`${method}: key`, key);
  checkTime(`${method}: options.${time.name}`, time.value);
}

/** The JSON text a response cache stores, or a TypeError naming what cannot be stored. */
export function cacheJson(method: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`${method}: value cannot be stored as JSON: ${reason}`, { cause: error });
  }
  if (text === undefined) fail(`${method}: value`, "a JSON value", value);
  return text;
}
