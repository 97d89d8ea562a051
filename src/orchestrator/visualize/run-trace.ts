import { foldRunLog, type LoggedEvent, type RunState } from "../../engine/index.js";
import type { BatonEvent, RunStore } from "../../index.js";

/** An event of a trace: live (`BatonEvent`) or read back from a store (`StoredEvent`). */
export type TraceEvent = BatonEvent | LoggedEvent;

/**
 * Where a trace comes from: a run's id in a store (its child runs are read too), the
 * events of a run (an array, or a live `run.events` stream with its children's events),
 * or anything with such an `events` stream (a `Run`, an `OrchestratorRun`).
 */
export type TraceSource =
  | { store: RunStore; runId: string }
  | { events: AsyncIterable<TraceEvent> | Iterable<TraceEvent> }
  | Iterable<TraceEvent>
  | AsyncIterable<TraceEvent>;

/** One run of a trace and the runs it started. */
export interface TraceRun {
  runId: string;
  parentRunId: string | undefined;
  /** The run's state, folded from its log: workflow name, input, status, steps, usage, cost. */
  state: RunState;
  /** The run's own events, in log order. */
  events: LoggedEvent[];
  /** Runs whose parent is this one, in the order they started. */
  children: TraceRun[];
}

function isStoreSource(source: unknown): source is { store: RunStore; runId: string } {
  return (
    typeof source === "object" &&
    source !== null &&
    "store" in source &&
    "runId" in source &&
    typeof (source as { runId: unknown }).runId === "string"
  );
}

async function collect(events: AsyncIterable<TraceEvent> | Iterable<TraceEvent>) {
  const all: LoggedEvent[] = [];
  if (Symbol.asyncIterator in events) {
    for await (const event of events as AsyncIterable<TraceEvent>) all.push(event as LoggedEvent);
  } else {
    for (const event of events as Iterable<TraceEvent>) all.push(event as LoggedEvent);
  }
  return all;
}

async function fromStore(store: RunStore, runId: string, depth = 0): Promise<TraceRun> {
  const [record, events, children] = await Promise.all([
    store.getRun(runId),
    store.readLog(runId),
    store.listRuns({ parentId: runId }),
  ]);
  if (!record && events.length === 0) {
    throw new TypeError(`loadRunTrace: no run "${runId}" in the store`);
  }
  const state = foldRunLog(events, { runId });
  if (record) {
    state.workflow ??= record.workflow;
    if (state.input === undefined) state.input = record.input;
    if (state.status === "pending" && record.status !== "pending") state.status = record.status;
  }
  const ordered = [...children].sort(
    (a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id, "en", { numeric: true }),
  );
  // Runs nest a few levels at most; the bound only guards against a corrupt store.
  const loaded =
    depth < 32
      ? await Promise.all(ordered.map((child) => fromStore(store, child.id, depth + 1)))
      : [];
  return {
    runId,
    parentRunId: record?.parentId ?? state.parentRunId,
    state,
    events,
    children: loaded,
  };
}

function fromEvents(events: readonly LoggedEvent[]): TraceRun {
  if (events.length === 0) throw new TypeError("loadRunTrace: expected at least one event");
  const byRun = new Map<string, LoggedEvent[]>();
  const parents = new Map<string, string | undefined>();
  for (const event of events) {
    const runId = event.runId as string;
    let list = byRun.get(runId);
    if (!list) {
      list = [];
      byRun.set(runId, list);
    }
    list.push(event);
    if (!parents.has(runId) || parents.get(runId) === undefined) {
      parents.set(runId, event.parentRunId as string | undefined);
    }
  }
  const runs = new Map<string, TraceRun>();
  for (const [runId, list] of byRun) {
    runs.set(runId, {
      runId,
      parentRunId: parents.get(runId),
      state: foldRunLog(list, { runId }),
      events: list,
      children: [],
    });
  }
  let root: TraceRun | undefined;
  for (const run of runs.values()) {
    const parent = run.parentRunId === undefined ? undefined : runs.get(run.parentRunId);
    if (parent) parent.children.push(run);
    else root ??= run;
  }
  return root!;
}

/**
 * Reads a run and its child runs (planning, delegations, sub-workflows) into a tree, from a
 * store or from events.
 * @example
 * const trace = await loadRunTrace({ store, runId });
 */
export async function loadRunTrace(source: TraceSource): Promise<TraceRun> {
  if (isStoreSource(source)) {
    if (typeof source.store?.readLog !== "function") {
      throw new TypeError("loadRunTrace: expected source.store to be a RunStore");
    }
    return fromStore(source.store, source.runId);
  }
  if (typeof source !== "object" || source === null) {
    throw new TypeError(
      `loadRunTrace: expected { store, runId }, events or a run, received ${String(source)}`,
    );
  }
  const events =
    "events" in source && !(Symbol.iterator in source) && !(Symbol.asyncIterator in source)
      ? (source as { events: AsyncIterable<TraceEvent> | Iterable<TraceEvent> }).events
      : (source as Iterable<TraceEvent> | AsyncIterable<TraceEvent>);
  if (
    typeof events !== "object" ||
    events === null ||
    !(Symbol.iterator in events || Symbol.asyncIterator in events)
  ) {
    throw new TypeError("loadRunTrace: expected { store, runId }, events or a run");
  }
  return fromEvents(await collect(events));
}

/** Every run of a trace, the root first, depth-first. */
export function traceRuns(root: TraceRun): TraceRun[] {
  return [root, ...root.children.flatMap(traceRuns)];
}
