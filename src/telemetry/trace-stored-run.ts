import type { BatonEvent } from "../core/events.js";
import type { RunStore, StoredEvent } from "../core/ports/run-store.js";
import type { RunTracerOptions } from "./run-tracer.js";
import { traceEvents } from "./trace-events.js";

/**
 * Traces a run that is in a store, with its child runs (sub-workflows, delegations): reads
 * their logs, merges them in time order (a parent's event first at equal times) and turns them
 * into spans like `telemetry()` does live. For runs that ended in another process, or long ago.
 *
 * @example
 * const { runs } = await openStoreLocation("sqlite:.baton/baton.db"); // baton-ai/durable
 * await traceStoredRun(runs, runId, { tracer });
 */
export async function traceStoredRun(
  store: RunStore,
  runId: string,
  options: RunTracerOptions & { signal?: AbortSignal } = {},
): Promise<void> {
  if (typeof store?.readLog !== "function" || typeof store.listRuns !== "function") {
    throw new TypeError(
      `traceStoredRun: expected store to be a RunStore, received ${store === null ? "null" : typeof store}`,
    );
  }
  if (typeof runId !== "string" || runId === "") {
    throw new TypeError(
      `traceStoredRun: expected runId to be a non-empty string, received ${String(runId)}`,
    );
  }
  const logs: StoredEvent[][] = [];
  // Breadth first: a parent's log comes before its children's, which wins ties below.
  const queue = [runId];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    options.signal?.throwIfAborted();
    logs.push(await store.readLog(next));
    for (const child of await store.listRuns({ parentId: next })) queue.push(child.id);
  }
  const merged = logs
    .flatMap((log, order) => log.map((event, index) => ({ event, order, index })))
    .sort((a, b) => a.event.at - b.event.at || a.order - b.order || a.index - b.index)
    .map(({ event }) => event as unknown as BatonEvent);
  await traceEvents(merged, options);
}
