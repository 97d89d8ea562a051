import type { RunRecord, RunStore } from "../core/ports/run-store.js";
import { foldRunLog } from "../core/run/fold-run-log.js";
import { logWithStart } from "../core/run/log-with-start.js";
import type { WorkflowResult } from "../core/run/run.js";
import { settleRecord } from "../core/run/settle-record.js";
import { checkOptions } from "../runtime/check-options.js";
import { DurableError } from "./durable-error.js";
import { resumeOptionsRule } from "./durable-options-rules.js";
import type { DurableRun } from "./durable-run.js";
import { endedRun } from "./durable-run.js";
import {
  type DurableSettings,
  type ResolvedSettings,
  resolveSettings,
} from "./durable-settings.js";
import { launchLeased } from "./launch-run.js";
import { RunLease } from "./run-lease.js";
import { openStore, type StoreOption } from "./store-option.js";
import { rebuildWorkflow } from "./workflow-registry.js";

export interface ResumeOptions extends DurableSettings {
  /** Where the run is. @default ".baton/baton.db" (a SqliteStore, closed when the run ends) */
  store?: StoreOption;
  /**
   * Takes the run even when its owner's heartbeat is fresh (the owner is known to be
   * dead, e.g. a crash seconds ago). Never use it on a run that may still be running.
   * @default false
   */
  force?: boolean;
  /** Cancels the resumed run when it aborts. */
  signal?: AbortSignal;
}

const terminal = new Set(["succeeded", "failed", "cancelled"]);

/**
 * Finishes a run from its log after the process that ran it died (or after a decision
 * on a `waiting` run): claims it, folds its log, and runs what is left. Steps that ended
 * keep their recorded outputs and never run again; steps that were in flight run again.
 * The workflow is the one registered under the run's workflow name in `workflows`, else
 * the spec the run stored. A run that had already ended is returned as it ended.
 *
 * @throws DurableError `run-not-found`, `workflow-not-found`, `run-owned` (another live
 * owner holds it), `child-run` (a sub-workflow's run: resume its parent).
 * @example
 * const run = await resume("run_3f2a", { store: ".baton/baton.db", workflows: { report } });
 * const result = await run.result;
 */
export async function resume(runId: string, options: ResumeOptions = {}): Promise<DurableRun> {
  checkRunId(runId, "resume");
  checkOptions(resumeOptionsRule, options, "resume()");
  const settings = resolveSettings(options);
  const opened = await openStore(options.store, "resume");
  let run: DurableRun;
  try {
    run = await resumeWith(opened.store, runId, settings, options);
  } catch (error) {
    await opened.release();
    throw error;
  }
  const result = run.result.then(
    async (ended) => {
      await opened.release();
      return ended;
    },
    async (error: unknown) => {
      await opened.release();
      throw error;
    },
  );
  return { ...run, result };
}

export function checkRunId(runId: unknown, where: string): asserts runId is string {
  if (typeof runId !== "string" || runId === "") {
    throw new TypeError(
      `${where}: expected runId to be a non-empty string, received ${String(runId)}`,
    );
  }
}

/** Reads a run's record, or throws `run-not-found`. */
export async function requireRun(store: RunStore, runId: string): Promise<RunRecord> {
  const record = await store.getRun(runId);
  if (!record) {
    throw new DurableError(`No run ${runId} in the store`, { code: "run-not-found", runId });
  }
  return record;
}

/** `resume` on an open store (shared with `Durable`). */
export async function resumeWith(
  store: RunStore,
  runId: string,
  settings: ResolvedSettings,
  options: {
    force?: boolean;
    signal?: AbortSignal;
    onEnd?: (result: WorkflowResult, resumable: boolean) => void;
  } = {},
): Promise<DurableRun> {
  const record = await requireRun(store, runId);
  if (record.parentId !== undefined) {
    throw new DurableError(
      `Run ${runId} is a sub-workflow run of ${record.parentId}; resume ${record.parentId} instead`,
      { code: "child-run", runId },
    );
  }
  const workflow = rebuildWorkflow(record, settings);
  const lease = new RunLease(store, runId, settings.lease);
  if (!(await lease.acquire(options.force ? { force: true } : {}))) {
    const fresh = await store.getRun(runId);
    const age =
      fresh?.heartbeatAt !== undefined
        ? `${Math.max(0, settings.clock.now() - fresh.heartbeatAt)} ms ago`
        : "never";
    throw new DurableError(
      `Run ${runId} is owned by ${fresh?.owner ?? "another owner"} (last heartbeat ${age}); ` +
        `it is taken to be running until its heartbeat is ${settings.lease.staleAfterMs} ms old`,
      { code: "run-owned", runId },
    );
  }
  try {
    // A run whose process died before its first event starts now, in place.
    const log = await logWithStart(store, runId, () => ({
      type: "run-start",
      at: settings.clock.now(),
      runId,
      workflow: record.workflow,
      input: record.input,
      steps: [...workflow.stepIds],
    }));
    const state = foldRunLog(log, { runId });
    if (terminal.has(state.status)) {
      await settleRecord(store, record, state, settings.clock.now());
      await lease.release();
      return endedRun(state, log, lease.owner);
    }
    return launchLeased({
      store,
      workflow,
      input: state.input,
      runId,
      resumeFrom: state,
      lease,
      readUpTo: log.at(-1)?.seq ?? 0,
      ids: settings.ids,
      start: settings.start,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEnd ? { onEnd: options.onEnd } : {}),
    });
  } catch (error) {
    await lease.release();
    throw error;
  }
}
