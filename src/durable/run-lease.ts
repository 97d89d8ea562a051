import type { Clock } from "../core/ports/clock.js";
import type {
  LoggedEvent,
  NewRunRecord,
  RunPatch,
  RunRecord,
  RunStatus,
  RunStore,
  StoredEvent,
} from "../core/ports/run-store.js";
import { StoreError } from "../stores/store-error.js";
import { DurableError } from "./durable-error.js";
import { isOwnerGone } from "./owner-liveness.js";

export interface LeaseOptions {
  /** Who holds the run: recorded as the run's owner. */
  owner: string;
  /** A heartbeat older than this means the owner is gone and the run may be taken over. */
  staleAfterMs: number;
  /** How often the owner renews its heartbeat. */
  heartbeatMs: number;
  clock: Clock;
}

/**
 * Ownership of one run: claimed with `claimRun`, kept alive by a heartbeat on the clock,
 * released when the run ends. Another process may take the run over only once the
 * heartbeat is older than `staleAfterMs`; so that two owners never write the log at the
 * same time, the owner renews before an append whenever its last renewal is more than
 * half that old, and stops writing for good once a renewal fails.
 */
export class RunLease {
  readonly runId: string;
  readonly options: LeaseOptions;
  readonly #store: RunStore;
  readonly #stop = new AbortController();
  #renewedAt = Number.NEGATIVE_INFINITY;
  #lost: DurableError | undefined;
  #released = false;
  #renewing: Promise<boolean> | undefined;

  constructor(store: RunStore, runId: string, options: LeaseOptions) {
    this.#store = store;
    this.runId = runId;
    this.options = options;
  }

  get owner(): string {
    return this.options.owner;
  }

  /** Set once another owner took the run over: this process must not write it any more. */
  get lost(): DurableError | undefined {
    return this.#lost;
  }

  /**
   * Claims the run: it has no owner, this owner already holds it, its owner's heartbeat is
   * stale, or its owner is a process of this host that is gone (`force` takes it whatever
   * the heartbeat says). Resolves whether it did.
   */
  async acquire({ force = false }: { force?: boolean } = {}): Promise<boolean> {
    const now = this.options.clock.now();
    let claimed = await this.#store.claimRun(this.runId, this.owner, {
      now,
      staleBefore: force ? Number.MAX_SAFE_INTEGER : now - this.options.staleAfterMs,
    });
    if (!claimed && !force) {
      const record = await this.#store.getRun(this.runId);
      if (record && isOwnerGone(record.owner)) {
        // Only if no one renewed it since: a claim on a heartbeat no newer than the one read.
        claimed = await this.#store.claimRun(this.runId, this.owner, {
          now,
          staleBefore: (record.heartbeatAt ?? Number.NEGATIVE_INFINITY) + 1,
        });
      }
    }
    if (claimed) this.#renewedAt = now;
    return claimed;
  }

  /** Marks the lease lost (an append found another owner): this process stops writing. */
  lose(): DurableError {
    this.#lost ??= new DurableError(
      `Run ${this.runId} was taken over by another owner; ${this.owner} stopped writing it`,
      { code: "ownership-lost", runId: this.runId },
    );
    return this.#lost;
  }

  /** Renews the heartbeat; resolves `false` (and marks the lease lost) when another owner holds the run. */
  renew(): Promise<boolean> {
    if (this.#lost) return Promise.resolve(false);
    this.#renewing ??= this.acquire()
      .then((claimed) => {
        if (!claimed) this.lose();
        return claimed;
      })
      .finally(() => {
        this.#renewing = undefined;
      });
    return this.#renewing;
  }

  /** Renews every `heartbeatMs` until released; calls `onLost` once if the run is taken over, `onBeat` after each renewal. */
  startHeartbeat(hooks: { onLost?: () => void; onBeat?: () => Promise<void> } = {}): void {
    const { clock, heartbeatMs } = this.options;
    const signal = this.#stop.signal;
    const loop = async () => {
      while (!signal.aborted) {
        try {
          await clock.sleep(heartbeatMs, { signal });
        } catch {
          return;
        }
        let renewed: boolean;
        try {
          renewed = await this.renew();
        } catch {
          // The store failed (busy, disk): appends will say so; try again next beat.
          continue;
        }
        if (!renewed) {
          hooks.onLost?.();
          return;
        }
        await hooks.onBeat?.().catch(() => {});
      }
    };
    void loop();
  }

  /** Stops the heartbeat and clears the owner (unless the run was taken over meanwhile). */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#stop.abort();
    if (this.#lost) return;
    await this.#store
      .updateRun(this.runId, { owner: null, updatedAt: this.options.clock.now() })
      .catch(() => {});
  }

  /** Throws when the lease is lost; renews first when the last renewal is getting old. */
  async ensure(): Promise<void> {
    if (this.#lost) throw this.#lost;
    if (this.options.clock.now() - this.#renewedAt > this.options.staleAfterMs / 2) {
      if (!(await this.renew())) throw this.#lost;
    }
  }
}

/**
 * The store a leased run writes through: appends to the leased run name the lease's owner
 * (the store refuses them once another owner holds the run), are refused at once after
 * the lease is lost, and renew it first when it gets old; record updates likewise; a new
 * run's record is claimed as soon as it is created. Other runs (sub-workflows) pass
 * through. Also remembers which approval decisions this process wrote.
 */
export class LeasedStore implements RunStore {
  readonly #inner: RunStore;
  readonly #lease: RunLease;
  /** Sequence numbers of the approval decisions this process appended to the leased run. */
  readonly ownDecisionSeqs = new Set<number>();

  constructor(inner: RunStore, lease: RunLease) {
    this.#inner = inner;
    this.#lease = lease;
  }

  /** The inner store's response cache: cached answers need no lease. */
  get responseCache() {
    return this.#inner.responseCache;
  }

  async createRun(run: NewRunRecord): Promise<void> {
    await this.#inner.createRun(run);
    if (run.id === this.#lease.runId && !(await this.#lease.acquire())) {
      throw new DurableError(`Run ${run.id} was claimed by another owner as it was created`, {
        code: "ownership-lost",
        runId: run.id,
      });
    }
  }

  async append(runId: string, events: readonly LoggedEvent[]): Promise<number[]> {
    if (runId !== this.#lease.runId) return this.#inner.append(runId, events);
    await this.#lease.ensure();
    let seqs: number[];
    try {
      // A compare-and-set on the owner: a process that lost the run cannot write one more event.
      seqs = await this.#inner.append(runId, events, { owner: this.#lease.owner });
    } catch (error) {
      if (StoreError.isInstance(error) && error.code === "not-owner") throw this.#lease.lose();
      throw error;
    }
    for (let index = 0; index < events.length; index++) {
      if (events[index]!.type === "approval-decision") this.ownDecisionSeqs.add(seqs[index]!);
    }
    return seqs;
  }

  readLog(runId: string, options?: { afterSeq?: number }): Promise<StoredEvent[]> {
    return this.#inner.readLog(runId, options);
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.#inner.getRun(runId);
  }

  listRuns(options?: {
    status?: RunStatus | readonly RunStatus[];
    limit?: number;
    parentId?: string;
  }): Promise<RunRecord[]> {
    return this.#inner.listRuns(options);
  }

  async updateRun(runId: string, patch: RunPatch): Promise<void> {
    if (runId === this.#lease.runId) await this.#lease.ensure();
    return this.#inner.updateRun(runId, patch);
  }

  claimRun(
    runId: string,
    owner: string,
    options: { now: number; staleBefore: number },
  ): Promise<boolean> {
    return this.#inner.claimRun(runId, owner, options);
  }

  /** The lease does not own the store: closing is the caller's business. */
  async close(): Promise<void> {}
}
