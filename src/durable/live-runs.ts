import type { ApprovalDecision, Run } from "../core/run/run.js";

/**
 * Runs live in this process, by store and run id, so that `approve` and `reject` hand a
 * decision to the run itself (which acts on it at once) rather than only to the store.
 * Stores are matched by object, and SQLite stores also by file path (the CLI opens its
 * own handle on the same file).
 */
type Key = object | string;

const runs = new Map<Key, Map<string, Pick<Run, "decide">>>();
const resumers = new Map<Key, Set<(runId: string) => Promise<boolean>>>();

function keysOf(store: object): Key[] {
  const path = (store as { path?: unknown }).path;
  return typeof path === "string" && path !== ":memory:" ? [store, `sqlite:${path}`] : [store];
}

/** Registers a live run; call the returned function when it ends. */
export function registerLiveRun(
  store: object,
  runId: string,
  run: Pick<Run, "decide">,
): () => void {
  const keys = keysOf(store);
  for (const key of keys) {
    let byId = runs.get(key);
    if (!byId) {
      byId = new Map();
      runs.set(key, byId);
    }
    byId.set(runId, run);
  }
  return () => {
    for (const key of keys) {
      const byId = runs.get(key);
      if (byId?.get(runId) !== run) continue;
      byId.delete(runId);
      if (byId.size === 0) runs.delete(key);
    }
  };
}

/** Hands a decision to the run if it is live in this process; `false` when it is not (or ended). */
export function decideLive(store: object, runId: string, decision: ApprovalDecision): boolean {
  for (const key of keysOf(store)) {
    const run = runs.get(key)?.get(runId);
    if (run?.decide(decision)) return true;
  }
  return false;
}

/** Registers something that resumes runs of `store` when a decision arrives (an auto-resuming `Durable`). */
export function registerResumer(
  store: object,
  resume: (runId: string) => Promise<boolean>,
): () => void {
  const keys = keysOf(store);
  for (const key of keys) {
    let set = resumers.get(key);
    if (!set) {
      set = new Set();
      resumers.set(key, set);
    }
    set.add(resume);
  }
  return () => {
    for (const key of keys) {
      const set = resumers.get(key);
      set?.delete(resume);
      if (set?.size === 0) resumers.delete(key);
    }
  };
}

/** Asks this process's resumers of `store` to resume `runId`; resolves whether one did. */
export async function resumeInProcess(store: object, runId: string): Promise<boolean> {
  const seen = new Set<(runId: string) => Promise<boolean>>();
  for (const key of keysOf(store)) {
    for (const resume of resumers.get(key) ?? []) {
      if (seen.has(resume)) continue;
      seen.add(resume);
      if (await resume(runId).catch(() => false)) return true;
    }
  }
  return false;
}
