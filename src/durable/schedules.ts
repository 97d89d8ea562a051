import type { OptionRule } from "../core/options/option-rule.js";
import type { Clock } from "../core/ports/clock.js";
import type { IdGenerator } from "../core/ports/id-generator.js";
import type {
  ScheduleRecord,
  ScheduleStore,
  ScheduleTrigger,
} from "../core/ports/schedule-store.js";
import { redactSecrets } from "../core/run/redact-secrets.js";
import type { Runnable } from "../core/runnable.js";
import type { Workflow } from "../core/workflow/workflow.js";
import { checkOptions } from "../runtime/check-options.js";
import { randomIdGenerator } from "../runtime/random-id-generator.js";
import { systemClock } from "../runtime/system-clock.js";
import { SpecWorkflow } from "../spec/spec-workflow.js";
import { DurableError } from "./durable-error.js";
import { nextSlotAfter, upcomingSlots } from "./fire-times.js";
import {
  listSchedulesOptionsRule,
  scheduleOptionsRule,
  scheduleStoreOptionsRule,
} from "./schedule-options-rules.js";
import { openStore, requireSchedules, type StoreOption } from "./store-option.js";

/** What to start, and when. Give exactly one of `workflow` / `agent`, and one of `once` / `every` / `cron`. */
export interface ScheduleOptions {
  /** The schedule's id. @default ids.next("schedule") */
  id?: string;
  /** A workflow, or its name in the scheduler's `workflows`. A spec workflow is stored whole. */
  workflow?: Workflow<never> | string;
  /** An agent, or its name in the scheduler's `workflows` (it runs as a one-step workflow). */
  agent?: Runnable<never> | string;
  /** The input of every run it starts. @default undefined */
  input?: unknown;
  /** Fires once, at this time. */
  once?: Date | number;
  /** Fires every this many ms (from `startAt`). */
  every?: number;
  /** Fires on a cron expression (croner syntax), e.g. `"0 9 * * MON"`, read in `timezone`. */
  cron?: string;
  /** IANA time zone of `cron`. @default the process's zone */
  timezone?: string;
  /**
   * What happens to firings missed while no scheduler ran (after downtime): `"skip"`
   * drops them and waits for the next slot; `"run-once"` starts one run for all of them.
   * @default "skip"
   */
  catchUp?: "skip" | "run-once";
  /** With `every`: the first firing. @default now + every */
  startAt?: Date | number;
  /** Created paused. @default false */
  paused?: boolean;
  metadata?: Record<string, unknown>;
}

export interface ScheduleStoreOptions {
  /** Where schedules live. @default ".baton/baton.db" */
  store?: StoreOption;
  /** @default systemClock */
  clock?: Clock;
  /** Ids of new schedules. @default randomIdGenerator */
  ids?: IdGenerator;
  signal?: AbortSignal;
}

/** A schedule as the API shows it. Times are epoch ms. */
export interface ScheduleInfo {
  id: string;
  /** The workflow's or agent's name. */
  target: string;
  kind: "workflow" | "agent";
  input?: unknown;
  trigger: ScheduleTrigger;
  timezone?: string;
  paused: boolean;
  catchUp: "skip" | "run-once";
  /** The next firing; absent when none is left (a `once` that fired). */
  nextFireAt?: number;
  lastFireAt?: number;
  createdAt: number;
  updatedAt: number;
  metadata?: Record<string, unknown>;
  /** The next firings, `nextFireAt` first (as many as `upcoming` asked for). */
  upcoming?: number[];
}

const kindKey = "baton.kind";
const definitionKey = "baton.definition";

/** The stored spec of a scheduled spec workflow (rebuilt by the scheduler without a registry). */
export function scheduledDefinition(record: ScheduleRecord): unknown {
  return record.metadata?.[definitionKey];
}

export function scheduledKind(record: ScheduleRecord): "workflow" | "agent" {
  return record.metadata?.[kindKey] === "agent" ? "agent" : "workflow";
}

/** A stored schedule as `ScheduleInfo`, with `upcoming` firings when asked. */
export function toScheduleInfo(record: ScheduleRecord, upcoming = 0): ScheduleInfo {
  const { [kindKey]: _kind, [definitionKey]: _definition, ...metadata } = record.metadata ?? {};
  const info: ScheduleInfo = {
    id: record.id,
    target: record.target,
    kind: scheduledKind(record),
    trigger: record.trigger,
    paused: record.paused,
    catchUp: record.catchUp ? "run-once" : "skip",
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.input !== undefined) info.input = record.input;
  if (record.timezone !== undefined) info.timezone = record.timezone;
  if (record.nextFireAt !== undefined) info.nextFireAt = record.nextFireAt;
  if (record.lastFireAt !== undefined) info.lastFireAt = record.lastFireAt;
  if (Object.keys(metadata).length > 0) info.metadata = metadata;
  if (upcoming > 0) {
    info.upcoming = upcomingSlots(record.trigger, record.timezone, record.nextFireAt, upcoming);
  }
  return info;
}

/** A time given as a Date or epoch ms (checked by the options rule). */
function timeOf(value: Date | number): number {
  return value instanceof Date ? value.getTime() : value;
}

/** Works out the trigger, target and first firing of checked options. */
function planSchedule(options: ScheduleOptions, now: number) {
  const { workflow, agent, timezone } = options;
  let target: string;
  let kind: "workflow" | "agent";
  let definition: unknown;
  if (workflow !== undefined) {
    kind = "workflow";
    if (typeof workflow === "string") target = workflow;
    else {
      target = workflow.name;
      if (workflow instanceof SpecWorkflow) definition = { kind: "spec", spec: workflow.spec };
    }
  } else {
    kind = "agent";
    target = typeof agent === "string" ? agent : (agent as Runnable<never>).name;
  }
  let trigger: ScheduleTrigger;
  let first: number | undefined;
  if (options.once !== undefined) {
    trigger = { kind: "once", at: timeOf(options.once) };
    first = trigger.at;
  } else if (options.every !== undefined) {
    const everyMs = options.every;
    trigger = { kind: "every", everyMs };
    first = options.startAt !== undefined ? timeOf(options.startAt) : now + everyMs;
  } else {
    trigger = { kind: "cron", expression: options.cron as string };
    first = nextSlotAfter(trigger, timezone, undefined, now);
  }
  return { target, kind, definition, trigger, timezone, first, catchUp: options.catchUp ?? "skip" };
}

/** Checks `options` with `rule`, then does `work` on the schedules of their store. */
async function withScheduleStore<T>(
  options: ScheduleStoreOptions,
  where: string,
  rule: OptionRule,
  work: (store: ScheduleStore, clock: Clock) => Promise<T>,
): Promise<T> {
  checkOptions(rule, options, `${where}()`);
  options.signal?.throwIfAborted();
  const opened = await openStore(options.store, where);
  try {
    return await work(requireSchedules(opened, where), options.clock ?? systemClock);
  } finally {
    await opened.release();
  }
}

/**
 * Schedules runs of a workflow or agent, once, every N ms, or on a cron expression; the
 * schedule is stored (it survives restarts) and fired by `startScheduler` (`baton scheduler`).
 * @example
 * await schedule({ workflow: "digest", cron: "0 9 * * MON", timezone: "Europe/Paris", catchUp: "run-once" });
 */
export async function schedule(
  options: ScheduleOptions,
  storeOptions: ScheduleStoreOptions = {},
): Promise<ScheduleInfo> {
  checkOptions(scheduleOptionsRule, options, "schedule()");
  return withScheduleStore(
    storeOptions,
    "schedule",
    scheduleStoreOptionsRule,
    async (store, clock) => {
      const now = clock.now();
      const plan = planSchedule(options, now);
      const id = options.id ?? (storeOptions.ids ?? randomIdGenerator).next("schedule");
      const record: ScheduleRecord = {
        id,
        target: plan.target,
        trigger: plan.trigger,
        paused: options.paused === true,
        catchUp: plan.catchUp === "run-once",
        createdAt: now,
        updatedAt: now,
        metadata: {
          ...redactSecrets(options.metadata ?? {}),
          [kindKey]: plan.kind,
          ...(plan.definition !== undefined
            ? { [definitionKey]: redactSecrets(plan.definition) }
            : {}),
        },
      };
      if (options.input !== undefined) record.input = redactSecrets(options.input);
      if (plan.timezone !== undefined) record.timezone = plan.timezone;
      if (plan.first !== undefined) record.nextFireAt = plan.first;
      await store.saveSchedule(record);
      return toScheduleInfo(record, 1);
    },
  );
}

async function requireSchedule(
  store: ScheduleStore,
  id: string,
  where: string,
): Promise<ScheduleRecord> {
  if (typeof id !== "string" || id === "") {
    throw new TypeError(`${where}: expected id to be a non-empty string, received ${String(id)}`);
  }
  const record = await store.getSchedule(id);
  if (!record) {
    throw new DurableError(`No schedule ${id} in the store`, {
      code: "schedule-not-found",
      scheduleId: id,
    });
  }
  return record;
}

/** Pauses a schedule: it fires no more until resumed. */
export function pauseSchedule(
  id: string,
  options: ScheduleStoreOptions = {},
): Promise<ScheduleInfo> {
  return withScheduleStore(
    options,
    "pauseSchedule",
    scheduleStoreOptionsRule,
    async (store, clock) => {
      const record = await requireSchedule(store, id, "pauseSchedule");
      const updatedAt = clock.now();
      await store.updateSchedule(id, { paused: true, updatedAt });
      return toScheduleInfo({ ...record, paused: true, updatedAt }, 1);
    },
  );
}

/**
 * Resumes a paused schedule. Slots that passed while it was paused are not made up: it
 * fires next at its first slot after now (a `once` keeps its time).
 */
export function resumeSchedule(
  id: string,
  options: ScheduleStoreOptions = {},
): Promise<ScheduleInfo> {
  return withScheduleStore(
    options,
    "resumeSchedule",
    scheduleStoreOptionsRule,
    async (store, clock) => {
      const record = await requireSchedule(store, id, "resumeSchedule");
      const now = clock.now();
      let next = record.nextFireAt;
      if (record.trigger.kind !== "once" && (next === undefined || next <= now)) {
        next = nextSlotAfter(record.trigger, record.timezone, next, now);
      }
      await store.updateSchedule(id, { paused: false, nextFireAt: next ?? null, updatedAt: now });
      const updated: ScheduleRecord = { ...record, paused: false, updatedAt: now };
      if (next === undefined) delete updated.nextFireAt;
      else updated.nextFireAt = next;
      return toScheduleInfo(updated, 1);
    },
  );
}

/** Removes a schedule; resolves `false` when there was none. Runs it started are kept. */
export function removeSchedule(id: string, options: ScheduleStoreOptions = {}): Promise<boolean> {
  return withScheduleStore(options, "removeSchedule", scheduleStoreOptionsRule, async (store) => {
    if (typeof id !== "string" || id === "") {
      throw new TypeError(
        `removeSchedule: expected id to be a non-empty string, received ${String(id)}`,
      );
    }
    return store.deleteSchedule(id);
  });
}

export interface ListSchedulesOptions extends ScheduleStoreOptions {
  /** Only paused (true) or active (false) ones. */
  paused?: boolean;
  /** Only those of this workflow or agent. */
  target?: string;
  /** How many next firings to list in each `upcoming`. @default 1 */
  upcoming?: number;
}

/** The stored schedules, soonest first, with their next firings. */
export function listSchedules(options: ListSchedulesOptions = {}): Promise<ScheduleInfo[]> {
  return withScheduleStore(options, "listSchedules", listSchedulesOptionsRule, async (store) => {
    const upcoming = options.upcoming ?? 1;
    const records = await store.listSchedules({
      ...(options.paused !== undefined ? { paused: options.paused } : {}),
      ...(options.target !== undefined ? { target: options.target } : {}),
    });
    return records.map((record) => toScheduleInfo(record, upcoming));
  });
}
