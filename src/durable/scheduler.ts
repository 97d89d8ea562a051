import type { ScheduleRecord, ScheduleStore } from "../core/ports/schedule-store.js";
import type { Workflow } from "../core/workflow/workflow.js";
import { checkOptions } from "../runtime/check-options.js";
import { buildWorkflow } from "../spec/build-workflow.js";
import type { SpecDefinition } from "../spec/spec-workflow.js";
import { DurableError } from "./durable-error.js";
import { schedulerOptionsRule } from "./durable-options-rules.js";
import type { DurableRun } from "./durable-run.js";
import { type DurableSettings, resolveSettings } from "./durable-settings.js";
import { nextSlotAfter } from "./fire-times.js";
import { Durable } from "./open-durable.js";
import { scheduledDefinition, scheduledKind } from "./schedules.js";
import { openStore, requireSchedules, type StoreOption } from "./store-option.js";
import { agentWorkflow, isAgent, lookupWorkflow } from "./workflow-registry.js";

export interface SchedulerOptions extends DurableSettings {
  /** Where schedules and runs live. @default ".baton/baton.db" */
  store?: StoreOption;
  /** Stops the scheduler when it aborts (runs it started go on). */
  signal?: AbortSignal;
  /** The longest the scheduler sleeps between looks at the schedules. @default 1000 */
  pollMs?: number;
  /**
   * A firing later than this (the scheduler was down at its time) is a missed one and
   * follows the schedule's catch-up policy; an earlier one just runs.
   * @default max(1000, 2 * pollMs)
   */
  misfireAfterMs?: number;
  /** Also resume runs whose owner died (like `openDurable({ autoResume: true })`). @default false */
  autoResume?: boolean;
  /** Receives each firing (run started, or missed and skipped). */
  onFire?: (fire: ScheduleFire) => void;
  /** Receives errors (a schedule whose workflow is unknown, a store error). @default ignored */
  onError?: (error: unknown, scheduleId: string | undefined) => void;
}

/** One firing of a schedule. */
export interface ScheduleFire {
  scheduleId: string;
  /** The slot this firing is for (epoch ms). */
  slot: number;
  /** When it was handled (epoch ms). */
  firedAt: number;
  /** Whether the slot was missed (the scheduler was down): then `catchUp` decided. */
  missed: boolean;
  /** Set when a run was started. */
  run?: DurableRun;
  /** The next slot, if any. */
  nextFireAt?: number;
}

/** A running scheduler (see `startScheduler`). */
export interface Scheduler {
  /** The durable instance that owns the runs the scheduler starts. */
  readonly durable: Durable;
  /** Fires every schedule due now (the loop calls it; tests may too). */
  tick(): Promise<ScheduleFire[]>;
  /**
   * Stops the loop, waits for the runs it started to end, and closes a store it opened.
   * (A process that exits instead leaves its runs to be resumed by another owner.)
   */
  stop(): Promise<void>;
  /** Settles when the loop has stopped. */
  readonly done: Promise<void>;
}

/**
 * Fires stored schedules in this process: starts each due run (owned by this process
 * through a `Durable`, so another process finishes it if this one dies), and moves the
 * schedule on with a compare-and-set on its next firing, so two schedulers on one store
 * never fire the same slot twice. Firings missed while no scheduler ran follow each
 * schedule's `catchUp`: `"skip"` drops them, `"run-once"` starts one run for them all.
 * @example
 * const scheduler = await startScheduler({ workflows: { digest }, signal: controller.signal });
 * await scheduler.done;
 */
export async function startScheduler(options: SchedulerOptions = {}): Promise<Scheduler> {
  checkOptions(schedulerOptionsRule, options, "startScheduler()");
  const settings = resolveSettings(options);
  const pollMs = options.pollMs ?? 1000;
  const misfireAfterMs = options.misfireAfterMs ?? Math.max(1000, 2 * pollMs);
  const opened = await openStore(options.store, "startScheduler");
  const store = opened.store;
  let schedules: ScheduleStore;
  try {
    schedules = requireSchedules(opened, "startScheduler");
  } catch (error) {
    await opened.release();
    throw error;
  }
  const stop = new AbortController();
  options.signal?.addEventListener("abort", () => stop.abort(), { once: true });
  const durable = new Durable(
    store,
    settings,
    {
      ...(options.autoResume ? { autoResume: true } : {}),
      signal: stop.signal,
      ...(options.onError ? { onError: (error) => options.onError?.(error, undefined) } : {}),
    },
    opened.release,
  );
  const { clock } = settings;
  const reported = new Set<string>();

  const resolve = (record: ScheduleRecord): Workflow => {
    if (scheduledKind(record) === "agent") {
      const entry = settings.workflows?.[record.target];
      if (isAgent(entry)) return agentWorkflow(record.target, entry);
      throw new DurableError(
        `Schedule ${record.id} starts agent "${record.target}", which is not in options.workflows`,
        { code: "workflow-not-found", scheduleId: record.id },
      );
    }
    const flow = lookupWorkflow(record.target, settings.workflows);
    if (flow) return flow;
    const definition = scheduledDefinition(record) as SpecDefinition | undefined;
    if (definition?.kind === "spec") return buildWorkflow(definition.spec, settings.build);
    throw new DurableError(
      `Schedule ${record.id} starts workflow "${record.target}", which is neither in options.workflows nor a stored spec`,
      { code: "workflow-not-found", scheduleId: record.id },
    );
  };

  const fireOne = async (
    record: ScheduleRecord,
    now: number,
  ): Promise<ScheduleFire | undefined> => {
    const slot = record.nextFireAt!;
    const missed = now - slot > misfireAfterMs;
    const runs = !missed || record.catchUp;
    let workflow: Workflow | undefined;
    if (runs) {
      try {
        workflow = resolve(record);
      } catch (error) {
        // Leave the slot due (fix the registry and it fires); report it once.
        const key = `${record.id}@${slot}`;
        if (!reported.has(key)) {
          reported.add(key);
          options.onError?.(error, record.id);
        }
        return undefined;
      }
    }
    const next = nextSlotAfter(record.trigger, record.timezone, slot, now);
    const claimed = await schedules.updateSchedule(
      record.id,
      { nextFireAt: next ?? null, updatedAt: now, ...(runs ? { lastFireAt: now } : {}) },
      { expectedNextFireAt: slot },
    );
    if (!claimed) return undefined; // another scheduler fired this slot
    const fire: ScheduleFire = {
      scheduleId: record.id,
      slot,
      firedAt: now,
      missed,
      ...(next !== undefined ? { nextFireAt: next } : {}),
    };
    if (workflow) {
      fire.run = durable.start(workflow, record.input as never, {
        metadata: {
          scheduleId: record.id,
          scheduledFor: slot,
          ...(missed ? { catchUp: true } : {}),
        },
      });
    }
    options.onFire?.(fire);
    return fire;
  };

  const tick = async (): Promise<ScheduleFire[]> => {
    const now = clock.now();
    const fires: ScheduleFire[] = [];
    for (const record of await schedules.listSchedules({ paused: false, dueAt: now })) {
      if (stop.signal.aborted) break;
      try {
        const fire = await fireOne(record, now);
        if (fire) fires.push(fire);
      } catch (error) {
        options.onError?.(error, record.id);
      }
    }
    return fires;
  };

  const loop = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      try {
        await tick();
      } catch (error) {
        options.onError?.(error, undefined);
      }
      let wait = pollMs;
      try {
        const [soonest] = await schedules.listSchedules({ paused: false, limit: 1 });
        if (soonest?.nextFireAt !== undefined) {
          wait = Math.min(pollMs, Math.max(0, soonest.nextFireAt - clock.now()));
        }
      } catch (error) {
        options.onError?.(error, undefined);
      }
      try {
        await clock.sleep(Math.max(wait, 1), { signal: stop.signal });
      } catch {
        return;
      }
    }
  };
  const done = loop();

  return {
    durable,
    tick,
    async stop() {
      stop.abort();
      await done;
      await durable.close();
    },
    done,
  };
}
