import type {
  LoggedEvent,
  NewRunRecord,
  RunPatch,
  RunRecord,
  RunStatus,
  RunStore,
  StoredEvent,
} from "../ports/run-store.js";

/**
 * A small in-memory RunStore for core's own tests (the real MemoryStore lives in
 * src/stores). It records every call in `calls`, so tests can check what reached the
 * log before what.
 */
export class TestStore implements RunStore {
  readonly runs = new Map<string, RunRecord>();
  readonly logs = new Map<string, StoredEvent[]>();
  /** Every call in order: `append:<runId>:<types>`, `createRun:<id>`, `updateRun:<id>:<status>`. */
  readonly calls: string[] = [];
  /** Makes the next append fail with this error. */
  failNextAppend: Error | undefined;

  async createRun(run: NewRunRecord): Promise<void> {
    this.calls.push(`createRun:${run.id}`);
    if (this.runs.has(run.id)) throw new Error(`run ${run.id} exists`);
    this.runs.set(run.id, { ...run, updatedAt: run.createdAt });
    this.logs.set(run.id, []);
  }

  async append(runId: string, events: readonly LoggedEvent[]): Promise<number[]> {
    this.calls.push(`append:${runId}:${events.map((event) => event.type).join(",")}`);
    if (this.failNextAppend) {
      const error = this.failNextAppend;
      this.failNextAppend = undefined;
      throw error;
    }
    const log = this.logs.get(runId);
    if (!log) throw new Error(`no run ${runId}`);
    return events.map((event) => {
      log.push({ ...event, seq: log.length + 1 });
      return log.length;
    });
  }

  async readLog(runId: string, options: { afterSeq?: number } = {}): Promise<StoredEvent[]> {
    return (this.logs.get(runId) ?? []).filter((event) => event.seq > (options.afterSeq ?? 0));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    return this.runs.get(runId);
  }

  async listRuns(
    options: { status?: RunStatus | readonly RunStatus[]; limit?: number; parentId?: string } = {},
  ): Promise<RunRecord[]> {
    const statuses =
      options.status === undefined ? undefined : ([] as RunStatus[]).concat(options.status);
    return [...this.runs.values()]
      .filter((run) => !statuses || statuses.includes(run.status))
      .filter((run) => options.parentId === undefined || run.parentId === options.parentId)
      .slice(0, options.limit ?? Number.POSITIVE_INFINITY);
  }

  async updateRun(runId: string, patch: RunPatch): Promise<void> {
    this.calls.push(`updateRun:${runId}:${patch.status ?? ""}`);
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run ${runId}`);
    const { owner, ...rest } = patch;
    Object.assign(run, rest);
    if (owner === null) delete run.owner;
    else if (owner !== undefined) run.owner = owner;
  }

  async claimRun(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  /** The stored log of a run, without sequence numbers. */
  events(runId: string): LoggedEvent[] {
    return (this.logs.get(runId) ?? []).map(({ seq, ...event }) => {
      void seq;
      return event;
    });
  }
}
