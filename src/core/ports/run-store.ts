import type { ResponseCacheStore } from "./response-cache-store.js";

/**
 * Where runs live. A run is event-sourced: its log is append-only and its state is a
 * fold of the log. Adapters: MemoryStore (baton), SqliteStore (baton/stores/sqlite),
 * PostgresStore (baton/stores/postgres). Every adapter passes the RunStore conformance suite.
 */
export interface RunStore {
  /** Records a new run; fails if the id exists. */
  createRun(run: NewRunRecord): Promise<void>;
  /**
   * Appends events to a run's log, in order, atomically: all or none. Returns the
   * sequence number of each (1-based, gap-free per run). With `owner`, a compare-and-set:
   * the events are appended only while the run's owner is `owner`; otherwise nothing is
   * written and it rejects with a `StoreError` coded `not-owner` (another process took
   * the run over, so this one must stop).
   */
  append(
    runId: string,
    events: readonly LoggedEvent[],
    options?: { owner?: string },
  ): Promise<number[]>;
  /** The run's log in order, from `afterSeq` (exclusive) on. */
  readLog(runId: string, options?: { afterSeq?: number }): Promise<StoredEvent[]>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  listRuns(options?: {
    status?: RunStatus | readonly RunStatus[];
    limit?: number;
    parentId?: string;
  }): Promise<RunRecord[]>;
  /** Updates the run's summary row (a small delta; the log is the source of truth). */
  updateRun(runId: string, patch: RunPatch): Promise<void>;
  /**
   * Takes ownership of a run when it has no owner, `owner` already owns it, or the
   * owner's heartbeat is older than `staleBefore`. Atomic: two callers never both win.
   */
  claimRun(
    runId: string,
    owner: string,
    options: { now: number; staleBefore: number },
  ): Promise<boolean>;
  close(): Promise<void>;
  /**
   * A capability: agents' cached model responses, kept with the runs (MemoryStore,
   * SqliteStore and PostgresStore have one). A workflow run's `cache` keeps its answers
   * here unless it names a store.
   */
  readonly responseCache?: ResponseCacheStore;
}

/** Every status a run can have, in lifecycle order. */
export const RUN_STATUSES = [
  "pending",
  "running",
  "waiting",
  "succeeded",
  "failed",
  "cancelled",
] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];

export interface NewRunRecord {
  id: string;
  /** The workflow's name. */
  workflow: string;
  parentId?: string;
  status: RunStatus;
  createdAt: number;
  input?: unknown;
  /** What is needed to rebuild the workflow on resume (a spec, or a registered name). */
  definition?: unknown;
  metadata?: Record<string, unknown>;
}

export interface RunRecord extends NewRunRecord {
  updatedAt: number;
  owner?: string;
  heartbeatAt?: number;
  output?: unknown;
  error?: string;
}

export interface RunPatch {
  status?: RunStatus;
  updatedAt?: number;
  owner?: string | null;
  heartbeatAt?: number;
  output?: unknown;
  error?: string;
}

/** An event as the engine appends it. */
export interface LoggedEvent {
  type: string;
  at: number;
  [key: string]: unknown;
}

/** An event as the store returns it: with its sequence number. */
export interface StoredEvent extends LoggedEvent {
  seq: number;
}
