import type {
  LoggedEvent,
  NewRunRecord,
  RunPatch,
  RunRecord,
  RunStatus,
  RunStore,
  StoredEvent,
} from "../../core/ports/run-store.js";
import { checkOptions } from "../../runtime/check-options.js";
import {
  checkClaim,
  checkEvents,
  checkId,
  checkListLimit,
  checkNewRun,
  checkOwnerOption,
  checkReadLogOptions,
  checkRunPatch,
  notOwner,
} from "../argument-checks.js";
import { jsonCopy } from "../json-copy.js";
import { StoreError } from "../store-error.js";
import { MemoryResponseCache } from "./memory-response-cache.js";
import { MemorySchedules } from "./memory-schedules.js";
import { memoryStoreOptionsRule } from "./memory-store-options-rule.js";

export interface MemoryStoreOptions {
  /**
   * How stored values are kept apart from the caller's.
   *
   * - `"shallow"`: records and events are copied one level deep on the way in and out, so
   *   a caller cannot add, remove or replace their fields in the store. Nested values
   *   (`input`, `output`, `definition`, event payloads) are shared by reference and must be
   *   treated as immutable. This keeps `append` to an object spread and an array push,
   *   which the engine's per-step overhead budget needs.
   * - `"json"`: every value goes through `JSON.stringify`/`JSON.parse` as a durable store's
   *   would (dates become strings, `undefined` fields vanish). Slower; use it in tests to
   *   catch values that would not survive SQLite or PostgreSQL.
   * @default "shallow"
   */
  copy?: "shallow" | "json";
}

/**
 * A shallow copy of `event`, with its `seq`. V8 copies an object by spread quickly only at
 * a place in the code that has met few object shapes, and a run logs events of many types:
 * through one spread, every copy took the slow path (~4x slower, the largest cost of
 * W1's 200-step chain). The events a big run logs most, its steps' starts and ends, each
 * get a spread of their own.
 */
function storedCopy(event: LoggedEvent, seq: number): StoredEvent {
  switch (event.type) {
    case "step-start":
      return { ...event, seq };
    case "step-end":
      return { ...event, seq };
    default:
      return { ...event, seq };
  }
}

interface RunEntry {
  record: RunRecord;
  log: StoredEvent[];
  /** Insertion order, to break `createdAt` ties newest first. */
  order: number;
}

/**
 * A RunStore (and its ScheduleStore, `schedules`) held in process memory: the default store, for tests and
 * for runs that need not survive the process. Each call does its work synchronously
 * inside its promise, so `append` and `claimRun` are atomic without locks.
 *
 * @example
 * const store = new MemoryStore();
 * await store.createRun({ id: "r1", workflow: "report", status: "pending", createdAt: 0 });
 * await store.append("r1", [{ type: "run-start", at: 0 }]); // [1]
 */
export class MemoryStore implements RunStore {
  /**
   * Agents' cached model responses, kept with the runs (for as long as the store lives):
   * a workflow run's `cache` uses it unless it names another store.
   */
  readonly responseCache = new MemoryResponseCache();
  readonly #runs = new Map<string, RunEntry>();
  /** The schedules kept in the same memory: a ScheduleStore of its own. */
  readonly schedules: MemorySchedules;
  readonly #json: boolean;
  #created = 0;
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    checkOptions(memoryStoreOptionsRule, options, "new MemoryStore()");
    const { copy = "shallow" } = options;
    this.#json = copy === "json";
    this.schedules = new MemorySchedules({
      json: this.#json,
      assertOpen: () => this.#assertOpen(),
    });
  }

  async createRun(run: NewRunRecord): Promise<void> {
    this.#assertOpen();
    checkNewRun(run);
    if (this.#runs.has(run.id)) {
      throw new StoreError(`Run "${run.id}" already exists`, { code: "run-exists" });
    }
    const record: RunRecord = { ...run, updatedAt: run.createdAt };
    this.#runs.set(run.id, {
      record: this.#json ? jsonCopy(record) : record,
      log: [],
      order: this.#created++,
    });
  }

  async append(
    runId: string,
    events: readonly LoggedEvent[],
    options?: { owner?: string },
  ): Promise<number[]> {
    this.#assertOpen();
    const entry = this.#entry(runId);
    const log = entry.log;
    // No options object is made for the engine's appends, which give none (one per step).
    if (options !== undefined) {
      checkOwnerOption(options);
      if (options.owner !== undefined && entry.record.owner !== options.owner) {
        throw notOwner(runId, options.owner, entry.record.owner);
      }
    }
    // Check (and, for JSON, copy) every event before the first push: all or none.
    checkEvents(events);
    const source = this.#json ? events.map(jsonCopy) : events;
    const count = source.length;
    const seqs: number[] = new Array(count);
    for (let index = 0; index < count; index++) {
      const seq = log.length + 1;
      log.push(storedCopy(source[index]!, seq));
      seqs[index] = seq;
    }
    return seqs;
  }

  async readLog(runId: string, options: { afterSeq?: number } = {}): Promise<StoredEvent[]> {
    this.#assertOpen();
    const afterSeq = checkReadLogOptions(options);
    const log = this.#runs.get(runId)?.log;
    if (log === undefined) return [];
    // Seq n lives at index n - 1, so `afterSeq` is also the first index to return.
    const start = Math.min(log.length, Math.max(0, Math.floor(afterSeq)));
    const out: StoredEvent[] = new Array(log.length - start);
    for (let index = start; index < log.length; index++) {
      const event = log[index]!;
      out[index - start] = this.#json ? jsonCopy(event) : { ...event };
    }
    return out;
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.#assertOpen();
    const entry = this.#runs.get(runId);
    return entry === undefined ? undefined : this.#out(entry.record);
  }

  async listRuns(
    options: { status?: RunStatus | readonly RunStatus[]; limit?: number; parentId?: string } = {},
  ): Promise<RunRecord[]> {
    this.#assertOpen();
    const { status, limit, parentId } = options;
    checkListLimit("listRuns: options.limit", limit);
    const wanted =
      status === undefined
        ? undefined
        : new Set<string>(typeof status === "string" ? [status] : status);
    const matches: RunEntry[] = [];
    for (const entry of this.#runs.values()) {
      if (wanted !== undefined && !wanted.has(entry.record.status)) continue;
      if (parentId !== undefined && entry.record.parentId !== parentId) continue;
      matches.push(entry);
    }
    matches.sort((a, b) => b.record.createdAt - a.record.createdAt || b.order - a.order);
    const picked = limit === undefined ? matches : matches.slice(0, limit);
    return picked.map((entry) => this.#out(entry.record));
  }

  async updateRun(runId: string, patch: RunPatch): Promise<void> {
    this.#assertOpen();
    const record = this.#entry(runId).record;
    checkRunPatch(patch);
    if (patch.status !== undefined) record.status = patch.status;
    if (patch.updatedAt !== undefined) record.updatedAt = patch.updatedAt;
    if (patch.owner === null) delete record.owner;
    else if (patch.owner !== undefined) record.owner = patch.owner;
    if (patch.heartbeatAt !== undefined) record.heartbeatAt = patch.heartbeatAt;
    if (patch.output !== undefined) {
      record.output = this.#json ? jsonCopy(patch.output) : patch.output;
    }
    if (patch.error !== undefined) record.error = patch.error;
  }

  async claimRun(
    runId: string,
    owner: string,
    options: { now: number; staleBefore: number },
  ): Promise<boolean> {
    this.#assertOpen();
    const record = this.#entry(runId).record;
    checkClaim(owner, options);
    const free =
      record.owner === undefined ||
      record.owner === owner ||
      (record.heartbeatAt ?? Number.NEGATIVE_INFINITY) < options.staleBefore;
    if (!free) return false;
    record.owner = owner;
    record.heartbeatAt = options.now;
    return true;
  }

  /** Marks the store closed; later calls fail with a `StoreError` (code `"closed"`). */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #entry(runId: string): RunEntry {
    const entry = this.#runs.get(runId);
    if (entry === undefined) {
      checkId("runId", runId);
      throw new StoreError(`Run "${runId}" not found`, { code: "run-not-found" });
    }
    return entry;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError("MemoryStore is closed", { code: "closed" });
  }

  #out(record: RunRecord): RunRecord {
    return this.#json ? jsonCopy(record) : { ...record };
  }
}
