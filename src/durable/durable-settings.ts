import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Clock } from "../core/ports/clock.js";
import type { IdGenerator } from "../core/ports/id-generator.js";
import type { StartOptions } from "../core/workflow/start-options.js";
import { randomIdGenerator } from "../runtime/random-id-generator.js";
import { systemClock } from "../runtime/system-clock.js";
import type { LeaseOptions } from "./run-lease.js";
import type { RebuildOptions } from "./workflow-registry.js";

/** The start options a durable run may set (the durable API sets store, clock, ids and signal). */
export type DurableStartOptions = Pick<
  StartOptions,
  | "concurrency"
  | "budget"
  | "limits"
  | "circuitBreaker"
  | "failureMode"
  | "gate"
  | "metadata"
  | "telemetry"
  | "cache"
  | "dispatcher"
>;

/** How runs are owned, timed and rebuilt; shared by `resume`, `openDurable`, `fork` and the scheduler. */
export interface DurableSettings extends RebuildOptions {
  /**
   * Who this process is, recorded as the owner of the runs it runs. Give a stable id to
   * a worker that is restarted under a supervisor: it takes its own runs back at once
   * instead of waiting for their heartbeats to go stale.
   * @default `<hostname>:<pid>:<random>`
   */
  owner?: string;
  /**
   * A run whose owner's heartbeat is older than this is taken to be abandoned (its
   * process died) and may be resumed by another owner.
   * @default 30000
   */
  staleAfterMs?: number;
  /** How often an owner renews its heartbeat. @default staleAfterMs / 3 */
  heartbeatMs?: number;
  /** Time for heartbeats, run events and schedules. @default systemClock */
  clock?: Clock;
  /** Ids of new runs (and of sub-workflow runs). @default randomIdGenerator */
  ids?: IdGenerator;
  /** Options for the runs started or resumed (concurrency, budget, limits, ...). */
  start?: DurableStartOptions;
}

export interface ResolvedSettings extends RebuildOptions {
  lease: LeaseOptions;
  clock: Clock;
  ids: IdGenerator;
  start: DurableStartOptions;
}

/** A fresh owner id for this process. */
export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * Fills in the defaults of settings already checked (by the caller's options rule, see
 * `durable-options-rules.ts`).
 */
export function resolveSettings(options: DurableSettings): ResolvedSettings {
  const { owner, staleAfterMs = 30_000, heartbeatMs, clock = systemClock, ids } = options;
  return {
    workflows: options.workflows ?? {},
    ...(options.build !== undefined ? { build: options.build } : {}),
    lease: {
      owner: owner ?? defaultOwner(),
      staleAfterMs,
      heartbeatMs: heartbeatMs ?? staleAfterMs / 3,
      clock,
    },
    clock,
    ids: ids ?? randomIdGenerator,
    start: options.start ?? {},
  };
}
