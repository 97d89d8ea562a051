import type { IdGenerator } from "../core/ports/id-generator.js";
import type { RunStore } from "../core/ports/run-store.js";
import { foldRunLog, type RunState } from "../core/run/fold-run-log.js";
import type { WorkflowResult } from "../core/run/run.js";
import type { Workflow } from "../core/workflow/workflow.js";
import type { DurableRun } from "./durable-run.js";
import type { DurableStartOptions } from "./durable-settings.js";
import { decidedWaitingSteps } from "./pending-approvals-of.js";
import { LeasedStore, type RunLease } from "./run-lease.js";

export interface LaunchOptions {
  store: RunStore;
  workflow: Workflow;
  input: unknown;
  runId: string;
  /** The folded log of a run being resumed; absent for a new run. */
  resumeFrom?: RunState;
  /** The run's lease: already held for a resumed run, claimed on creation for a new one. */
  lease: RunLease;
  /** The sequence number the log was read up to (0 for a new run). */
  readUpTo: number;
  ids: IdGenerator;
  start: DurableStartOptions;
  signal?: AbortSignal;
  /** Called once the run has ended and its lease is released. */
  onEnd?: (result: WorkflowResult, resumable: boolean) => void;
}

/**
 * Starts (or resumes) a run under a lease: its writes go through the lease, a heartbeat
 * keeps it owned, decisions reach it while it is live (through its `decide`, which a
 * `Durable` calls for the runs it holds, or from the log at the next heartbeat), and the
 * lease is released when it ends. A run that ends
 * `waiting` while a decision it waited for is already in the log is marked `pending`, so
 * it is picked up again.
 */
export function launchLeased(options: LaunchOptions): DurableRun {
  const { store, workflow, runId, lease, resumeFrom } = options;
  const leased = new LeasedStore(store, lease);
  // Aborted with the lease's error when another owner takes the run over: the run is
  // cancelled here, and a dispatcher sees why (its attempts on workers are the new owner's).
  const taken = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, taken.signal]) : taken.signal;
  const run = workflow.start(options.input, {
    ...options.start,
    store: leased,
    clock: lease.options.clock,
    ids: options.ids,
    runId,
    ...(resumeFrom ? { resumeFrom } : {}),
    signal,
  });
  let asked = resumeFrom ? Object.values(resumeFrom.steps).some(isWaiting) : false;
  let readUpTo = options.readUpTo;
  void (async () => {
    for await (const event of run.events) {
      if (event.type === "approval-request" && event.runId === runId) asked = true;
    }
  })();
  lease.startHeartbeat({
    onLost: () => taken.abort(lease.lose()),
    // Decisions another process logged while this one runs the run.
    onBeat: async () => {
      if (!asked) return;
      const events = await store.readLog(runId, { afterSeq: readUpTo });
      for (const event of events) {
        readUpTo = Math.max(readUpTo, event.seq);
        if (event.type !== "approval-decision" || leased.ownDecisionSeqs.has(event.seq)) continue;
        run.decide(
          {
            stepId: event.stepId as string,
            approved: event.approved === true,
            ...(typeof event.comment === "string" ? { comment: event.comment } : {}),
            ...(typeof event.toolCallId === "string" ? { toolCallId: event.toolCallId } : {}),
          },
          { logged: true },
        );
      }
    },
  });
  const result = run.result.then(async (ended) => {
    let resumable = false;
    if (ended.status === "waiting" && !lease.lost) {
      resumable = await markIfDecided(store, runId, lease.options.clock.now()).catch(() => false);
    }
    await lease.release();
    options.onEnd?.(ended, resumable);
    return ended;
  });
  return {
    id: run.id,
    owner: lease.owner,
    events: run.events,
    result,
    cancel: (reason) => run.cancel(reason),
    decide: (decision, decideOptions) => run.decide(decision, decideOptions),
  };
}

function isWaiting(step: { status: string }): boolean {
  return step.status === "waiting";
}

/**
 * Marks a waiting run `pending` when a decision it waits for is in the log already (so
 * resuming it moves on); resolves whether it did.
 */
export async function markIfDecided(store: RunStore, runId: string, now: number): Promise<boolean> {
  const state = foldRunLog(await store.readLog(runId), { runId });
  if (state.status !== "waiting" || decidedWaitingSteps(state).length === 0) return false;
  await store.updateRun(runId, { status: "pending", updatedAt: now });
  return true;
}
