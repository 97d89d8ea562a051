import type { LoggedEvent, RunStore, StoredEvent } from "../ports/run-store.js";

/**
 * A run's log, read from the store. When the process that created the run died before its
 * first event, the log has no `run-start`: `start()` is logged first, so the run starts in
 * place (its id and record kept) and folds like any other.
 */
export async function logWithStart(
  store: RunStore,
  runId: string,
  start: () => LoggedEvent,
): Promise<StoredEvent[]> {
  const log = await store.readLog(runId);
  if (log.some((event) => event.type === "run-start" && event.runId === runId)) return log;
  await store.append(runId, [start()]);
  return store.readLog(runId);
}
