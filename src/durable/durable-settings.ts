import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Clock } from "../core/ports/clock.js";
import type { IdGenerator } from "../core/ports/id-generator.js";
import type { StartOptions } from "../core/workflow/start-options.js";
import { randomIdGenerator } from "../runtime/random-id-generator.js";
import { systemClock } from "../runtime/system-clock.js";
import type { LeaseOptions } from "./run-lease.js";
import { checkRegistry, type RebuildOptions } from "./workflow-registry.js";

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

function positive(where: string, name: string, value: unknown): void {
  if (value !== undefined && !(typeof value === "number" && value > 0 && Number.isFinite(value))) {
    throw new TypeError(
      `${where}: expected options.${name} to be a number of ms > 0, received ${String(value)}`,
    );
  }
}

/** Checks and fills in the settings, throwing TypeErrors that name the bad option. */
export function resolveSettings(options: DurableSettings, where: string): ResolvedSettings {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${where}: expected an options object, received ${String(options)}`);
  }
  const { owner, staleAfterMs = 30_000, heartbeatMs, clock = systemClock, ids } = options;
  if (owner !== undefined && (typeof owner !== "string" || owner === "")) {
    throw new TypeError(
      `${where}: expected options.owner to be a non-empty string, received ${String(owner)}`,
    );
  }
  positive(where, "staleAfterMs", staleAfterMs);
  positive(where, "heartbeatMs", heartbeatMs);
  if (heartbeatMs !== undefined && heartbeatMs >= staleAfterMs) {
    throw new TypeError(
      `${where}: options.heartbeatMs (${heartbeatMs}) must be below options.staleAfterMs (${staleAfterMs}), or every owner would look gone`,
    );
  }
  if (typeof clock?.now !== "function" || typeof clock?.sleep !== "function") {
    throw new TypeError(`${where}: expected options.clock to be a Clock with now() and sleep()`);
  }
  const workflows = checkRegistry(options.workflows, where);
  return {
    workflows,
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
