import type { RunStatus, RunStore, StoredEvent } from "../core/ports/run-store.js";
import type { WorkflowResult } from "../core/run/run.js";
import type { Workflow } from "../core/workflow/workflow.js";
import { checkOptions } from "../runtime/check-options.js";
import {
  durableDecideOptionsRule,
  durablePendingApprovalsOptionsRule,
} from "./approval-options-rules.js";
import {
  checkDecideArguments,
  type DecideOptions,
  type DecisionResult,
  decideIn,
  type LiveRuns,
  pendingIn,
} from "./approvals.js";
import { DurableError } from "./durable-error.js";
import { durableOptionsRule } from "./durable-options-rules.js";
import type { DurableRun } from "./durable-run.js";
import {
  type DurableSettings,
  type ResolvedSettings,
  resolveSettings,
} from "./durable-settings.js";
import { type FollowRunOptions, followRun } from "./follow-run.js";
import { launchLeased } from "./launch-run.js";
import { isOwnerGone } from "./owner-liveness.js";
import type { PendingApproval } from "./pending-approvals-of.js";
import { checkRunId, resumeWith } from "./resume.js";
import { RunLease } from "./run-lease.js";
import { openStore, type StoreOption } from "./store-option.js";
import { canRebuild, isWorkflow, lookupWorkflow } from "./workflow-registry.js";

export interface DurableOptions extends DurableSettings {
  /** Where runs live. @default ".baton/baton.db" (a SqliteStore, closed by `close()`) */
  store?: StoreOption;
  /**
   * Picks up, every `pollMs`, runs whose owner is gone (its heartbeat is older than
   * `staleAfterMs`), runs marked `pending` (a decision arrived while no one ran them), and
   * runs this owner held before a restart; and resumes a run as soon as a decision on it is
   * made through this instance (`durable.approve`, `durable.reject`). Only runs whose workflow can be rebuilt (registered, or a
   * stored spec) are picked up; sub-workflow runs never are (their parent reruns them).
   * @default false
   */
  autoResume?: boolean;
  /** How often `autoResume` looks for runs to pick up. @default heartbeatMs */
  pollMs?: number;
  /** Stops auto-resuming when it aborts (live runs go on; `close()` waits for them). */
  signal?: AbortSignal;
  /** Receives each run this instance resumes on its own (auto-resume). */
  onResume?: (run: DurableRun) => void;
  /** Receives errors of auto-resume (a run whose workflow fails to build, a store error). @default ignored */
  onError?: (error: unknown, runId: string | undefined) => void;
}

/**
 * Durable runs on one store, owned by this process: start runs that survive a crash,
 * resume them, decide approvals, and (with `autoResume`) pick up runs whose process died.
 * Create one with {@link openDurable}.
 */
export class Durable {
  readonly store: RunStore;
  readonly owner: string;
  readonly #settings: ResolvedSettings;
  readonly #options: DurableOptions;
  readonly #release: () => Promise<void>;
  readonly #live = new Map<string, DurableRun>();
  /** Resumes under way (the log being read): a second `resume` of the run waits for the first. */
  readonly #resuming = new Map<string, Promise<DurableRun>>();
  readonly #stop = new AbortController();
  /** What a decision made through this instance reaches: its live runs, and its resumer. */
  readonly #liveRuns: LiveRuns = {
    decide: (runId, decision) => this.#live.get(runId)?.decide(decision) ?? false,
    resume: (runId) =>
      this.#options.autoResume ? this.#resumeIfIdle(runId) : Promise.resolve(false),
  };
  #polling: Promise<void> | undefined;
  #closed = false;

  constructor(
    store: RunStore,
    settings: ResolvedSettings,
    options: DurableOptions,
    release: () => Promise<void>,
  ) {
    this.store = store;
    this.owner = settings.lease.owner;
    this.#settings = settings;
    this.#options = options;
    this.#release = release;
    options.signal?.addEventListener("abort", () => this.#stop.abort(), { once: true });
    if (options.autoResume) this.#polling = this.#poll();
  }

  /** Runs live in this instance, by id. */
  get runs(): ReadonlyMap<string, DurableRun> {
    return this.#live;
  }

  /**
   * Starts a run owned by this process: it records its owner and a heartbeat, and any
   * process can finish it with `resume` if this one dies.
   * @param workflow a workflow, or the name of one in `workflows`
   */
  start<Input>(
    workflow: Workflow<Input> | string,
    input: Input,
    options: { runId?: string; metadata?: Record<string, unknown>; signal?: AbortSignal } = {},
  ): DurableRun {
    this.#assertOpen();
    const flow =
      typeof workflow === "string" ? lookupWorkflow(workflow, this.#settings.workflows) : workflow;
    if (!flow || !isWorkflow(flow)) {
      throw typeof workflow === "string"
        ? new DurableError(`No workflow "${workflow}" in options.workflows`, {
            code: "workflow-not-found",
          })
        : new TypeError(
            `start: expected a workflow or a registered name, received ${typeof workflow}`,
          );
    }
    const runId = options.runId ?? this.#settings.ids.next("run");
    const run = launchLeased({
      store: this.store,
      workflow: flow as Workflow,
      input,
      runId,
      lease: new RunLease(this.store, runId, this.#settings.lease),
      readUpTo: 0,
      ids: this.#settings.ids,
      start: {
        ...this.#settings.start,
        ...(options.metadata ? { metadata: options.metadata } : {}),
      },
      ...(options.signal ? { signal: options.signal } : {}),
      onEnd: (result, resumable) => this.#ended(runId, result, resumable),
    });
    this.#live.set(runId, run);
    return run;
  }

  /** Resumes a run from its log (see `resume`). */
  async resume(
    runId: string,
    options: { force?: boolean; signal?: AbortSignal } = {},
  ): Promise<DurableRun> {
    checkRunId(runId, "resume");
    this.#assertOpen();
    const live = this.#live.get(runId);
    if (live) return live;
    // Two resumes at once (auto-resume, a decision, the user) must not both run the run: this
    // owner's claim succeeds for each, and two executions would fight over its log.
    const under = this.#resuming.get(runId);
    if (under) return under;
    const resuming = resumeWith(this.store, runId, this.#settings, {
      ...options,
      onEnd: (result, resumable) => this.#ended(runId, result, resumable),
    }).then((run) => {
      this.#live.set(runId, run);
      run.result
        .finally(() => {
          if (this.#live.get(runId) === run) this.#live.delete(runId);
        })
        .catch(() => {});
      return run;
    });
    this.#resuming.set(runId, resuming);
    try {
      return await resuming;
    } finally {
      this.#resuming.delete(runId);
    }
  }

  /**
   * Approves a pending step or tool call (see `approve`). A run live in this instance acts
   * on it at once (`delivery: "live"`); with `autoResume`, a waiting run is resumed here
   * (`"resumed"`).
   */
  approve(
    runId: string,
    stepId: string,
    options: Omit<DecideOptions, "store"> = {},
  ): Promise<DecisionResult> {
    return this.#decide(runId, stepId, true, options, "approve");
  }

  /** Rejects a pending step or tool call (see `reject`, and `approve` here). */
  reject(
    runId: string,
    stepId: string,
    options: Omit<DecideOptions, "store"> = {},
  ): Promise<DecisionResult> {
    return this.#decide(runId, stepId, false, options, "reject");
  }

  async #decide(
    runId: string,
    stepId: string,
    approved: boolean,
    options: Omit<DecideOptions, "store">,
    where: string,
  ): Promise<DecisionResult> {
    checkDecideArguments(runId, stepId, options, `durable.${where}`, durableDecideOptionsRule);
    this.#assertOpen();
    return decideIn(this.store, {
      runId,
      stepId,
      approved,
      options: { clock: this.#settings.clock, ...options },
      live: this.#liveRuns,
    });
  }

  /**
   * The events of a run as they are logged, whichever process (on whichever machine) owns
   * it, until it ends: see {@link followRun}. Timed by this instance's clock.
   * @example for await (const event of durable.follow(runId)) console.log(event.type);
   */
  follow(runId: string, options: Omit<FollowRunOptions, "clock"> = {}): AsyncIterable<StoredEvent> {
    return followRun(this.store, runId, { clock: this.#settings.clock, ...options });
  }

  /** Approvals that runs in the store wait for (see `pendingApprovals`). */
  async pendingApprovals(
    options: { runId?: string; signal?: AbortSignal } = {},
  ): Promise<PendingApproval[]> {
    checkOptions(durablePendingApprovalsOptionsRule, options, "durable.pendingApprovals()");
    return pendingIn(this.store, options.runId, options.signal);
  }

  /**
   * One pass of auto-resume: resumes every run whose owner is gone (or that waits
   * `pending`), and this owner's own runs after a restart. Resolves the runs resumed.
   */
  async recover(): Promise<DurableRun[]> {
    this.#assertOpen();
    const now = this.#settings.clock.now();
    const staleBefore = now - this.#settings.lease.staleAfterMs;
    const statuses: RunStatus[] = ["running", "pending"];
    const resumed: DurableRun[] = [];
    for (const record of await this.store.listRuns({ status: statuses })) {
      if (this.#stop.signal.aborted) break;
      if (record.parentId !== undefined || this.#live.has(record.id)) continue;
      if (!canRebuild(record, this.#settings.workflows)) continue;
      const abandoned =
        record.owner === this.owner ||
        isOwnerGone(record.owner) ||
        (record.owner === undefined
          ? record.status === "pending" || record.updatedAt < staleBefore
          : (record.heartbeatAt ?? Number.NEGATIVE_INFINITY) < staleBefore);
      if (!abandoned) continue;
      try {
        const run = await this.resume(record.id);
        this.#options.onResume?.(run);
        resumed.push(run);
      } catch (error) {
        // Another process won the claim: it runs it.
        if (DurableError.isInstance(error) && error.code === "run-owned") continue;
        this.#options.onError?.(error, record.id);
      }
    }
    return resumed;
  }

  /** Stops auto-resuming, waits for the runs live in this instance to end, and closes a store it opened. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    await this.#polling;
    await Promise.allSettled([...this.#live.values()].map((run) => run.result));
    await this.#release();
  }

  async #poll(): Promise<void> {
    const { clock } = this.#settings;
    const pollMs = this.#options.pollMs ?? this.#settings.lease.heartbeatMs;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        await this.recover();
      } catch (error) {
        if (!signal.aborted) this.#options.onError?.(error, undefined);
      }
      try {
        await clock.sleep(pollMs, { signal });
      } catch {
        return;
      }
    }
  }

  /** A decision arrived in this process for a run no one here runs: resume it now. */
  async #resumeIfIdle(runId: string): Promise<boolean> {
    if (this.#closed || this.#live.has(runId)) return false;
    const record = await this.store.getRun(runId);
    if (record?.status !== "pending" || !canRebuild(record, this.#settings.workflows)) {
      return false;
    }
    try {
      const run = await this.resume(runId);
      this.#options.onResume?.(run);
      return true;
    } catch (error) {
      if (!(DurableError.isInstance(error) && error.code === "run-owned")) {
        this.#options.onError?.(error, runId);
      }
      return false;
    }
  }

  #ended(runId: string, _result: WorkflowResult, resumable: boolean): void {
    this.#live.delete(runId);
    // A decision reached the log while the run was finishing: pick it up again at once.
    if (resumable && this.#options.autoResume && !this.#closed) {
      void this.#resumeIfIdle(runId);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new DurableError("This Durable is closed", { code: "closed" });
  }
}

/**
 * Opens durable runs on a store for this process (see {@link Durable}).
 * @example
 * const durable = await openDurable({ store: ".baton/baton.db", workflows: { report }, autoResume: true });
 * const run = durable.start("report", { topic: "tides" });
 * await run.result;
 * await durable.close();
 */
export async function openDurable(options: DurableOptions = {}): Promise<Durable> {
  checkOptions(durableOptionsRule, options, "openDurable()");
  const settings = resolveSettings(options);
  const opened = await openStore(options.store, "openDurable");
  return new Durable(opened.store, settings, options, opened.release);
}
