import type { BatonEvent } from "../core/events.js";
import type { LoggedEvent, RunRecord, RunStore } from "../core/ports/run-store.js";
import { foldRunLog, type RunState } from "../core/run/fold-run-log.js";

/** An event of a trace: live (`BatonEvent`) or read back from a store (`StoredEvent`). */
export type TraceEvent = BatonEvent | LoggedEvent;

/**
 * Where a trace comes from: a run's id in a store (its child runs are read too), the
 * events of a run (an array, or a live `run.events` stream with its children's events),
 * anything with such an `events` stream (a `Run`, an `OrchestratorRun`), or a trace
 * `loadRunTrace` already read.
 */
export type TraceSource =
  | { store: RunStore; runId: string }
  | { events: AsyncIterable<TraceEvent> | Iterable<TraceEvent> }
  | Iterable<TraceEvent>
  | AsyncIterable<TraceEvent>
  | TraceRun;

/** One run of a trace and the runs it started. */
export interface TraceRun {
  runId: string;
  parentRunId: string | undefined;
  /** The run's state, folded from its log: workflow name, input, status, steps, usage, cost. */
  state: RunState;
  /** The run's own events, in log order. */
  events: LoggedEvent[];
  /** The run's record, when it was read from a store (its definition and metadata). */
  record: RunRecord | undefined;
  /** Runs whose parent is this one, in the order they started. */
  children: TraceRun[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isStoreSource(source: unknown): source is { store: RunStore; runId: string } {
  return isObject(source) && "store" in source && typeof source.runId === "string";
}

function isTraceRun(source: unknown): source is TraceRun {
  return (
    isObject(source) &&
    typeof source.runId === "string" &&
    isObject(source.state) &&
    Array.isArray(source.events) &&
    Array.isArray(source.children)
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
  const [record, log, children] = await Promise.all([
    store.getRun(runId),
    store.readLog(runId),
    store.listRuns({ parentId: runId }),
  ]);
  if (!record && log.length === 0) {
    throw new TypeError(`loadRunTrace: no run "${runId}" in the store`);
  }
  const events = log.filter((event) => event.runId === runId);
  const state = foldRunLog(events, { runId });
  if (record) {
    state.workflow ??= record.workflow;
    if (state.input === undefined) state.input = record.input;
    if (state.status === "pending" && record.status !== "pending") state.status = record.status;
  }
  // Oldest first. Stores list newest first, later-created first among equal times, so the
  // reversed list sorted (stably) by time keeps the order in which the runs were created.
  const ordered = [...children].reverse().sort((a, b) => a.createdAt - b.createdAt);
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
    record,
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
    if (parents.get(runId) === undefined) {
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
      record: undefined,
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
 * store or from events. Every view reads its run through it; pass the tree it returns to
 * several views to read the store once.
 * @example
 * const trace = await loadRunTrace({ store, runId });
 * console.log(await flowchart(trace), await toolTrace(trace));
 */
export async function loadRunTrace(source: TraceSource): Promise<TraceRun> {
  if (isTraceRun(source)) return source;
  if (isStoreSource(source)) {
    if (typeof source.store?.readLog !== "function") {
      throw new TypeError("loadRunTrace: expected source.store to be a RunStore");
    }
    return fromStore(source.store, source.runId);
  }
  if (!isObject(source)) {
    throw new TypeError(
      `loadRunTrace: expected { store, runId }, events or a run, received ${String(source)}`,
    );
  }
  const events =
    "events" in source && !(Symbol.iterator in source) && !(Symbol.asyncIterator in source)
      ? (source as { events: AsyncIterable<TraceEvent> | Iterable<TraceEvent> }).events
      : (source as Iterable<TraceEvent> | AsyncIterable<TraceEvent>);
  if (!isObject(events) || !(Symbol.iterator in events || Symbol.asyncIterator in events)) {
    throw new TypeError("loadRunTrace: expected { store, runId }, events or a run");
  }
  return fromEvents(await collect(events));
}

/** Every run of a trace, the root first, depth-first. */
export function traceRuns(root: TraceRun): TraceRun[] {
  return [root, ...root.children.flatMap(traceRuns)];
}
