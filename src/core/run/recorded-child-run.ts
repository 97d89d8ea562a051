import type { RunStore } from "../ports/run-store.js";
import { foldRunLog, type RunState } from "./fold-run-log.js";
import { logWithStart } from "./log-with-start.js";
import { settleRecord } from "./settle-record.js";

/**
 * What the store holds of a child run with this id, folded: the run a step started before
 * it was interrupted (a crash, a wait), which the step's new run picks up instead of
 * starting over. `undefined` when there is none. A child run whose record was created but
 * whose process died before its first event gets its `run-start` now; an ended one whose
 * record lags behind its log (the process died in between) gets its record brought up to
 * date.
 */
export async function recordedChildRun(
  store: RunStore,
  runId: string,
  child: { workflow: string; steps: readonly string[]; parentRunId: string; at: number },
): Promise<RunState | undefined> {
  const record = await store.getRun(runId);
  if (!record) return undefined;
  const log = await logWithStart(store, runId, () => ({
    type: "run-start",
    at: child.at,
    runId,
    parentRunId: child.parentRunId,
    workflow: child.workflow,
    input: record.input,
    steps: [...child.steps],
  }));
  const state = foldRunLog(log, { runId });
  if (state.status === "succeeded" || state.status === "failed" || state.status === "cancelled") {
    await settleRecord(store, record, state, child.at);
  }
  return state;
}
