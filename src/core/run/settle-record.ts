import type { RunRecord, RunStore } from "../ports/run-store.js";
import type { RunState } from "./fold-run-log.js";

/**
 * Brings a run's record up to date with a log that ended: the process that ran it died
 * after logging its end and before updating the record.
 */
export async function settleRecord(
  store: RunStore,
  record: RunRecord,
  state: RunState,
  now: number,
): Promise<void> {
  if (record.status === state.status) return;
  await store.updateRun(record.id, {
    status: state.status,
    updatedAt: now,
    ...(state.status === "succeeded" && state.output !== undefined ? { output: state.output } : {}),
    ...(state.error ? { error: state.error.message } : {}),
  });
}
