import type { RunStore } from "../core/ports/run-store.js";
import type { DurableRun } from "../durable/durable-run.js";
import { fork } from "../durable/fork.js";
import { replay } from "../durable/replay.js";
import { resume } from "../durable/resume.js";
import type { WorkflowRegistry } from "../durable/workflow-registry.js";
import type { BuildWorkflowOptions } from "../spec/build-workflow.js";

/** What a replay showed, as the run page prints it. */
export interface ReplaySummary {
  runId: string;
  identical: boolean;
  differences: string[];
  status: string;
  served: string[];
  reran: string[];
  modelCallsRefused: number;
}

/**
 * Replay, fork and resume from the run pages. Forked and resumed runs run in the
 * dashboard's process; `close()` cancels those still going and waits for them to stop.
 */
export class RunActions {
  readonly #store: RunStore;
  readonly #rebuild: { workflows?: WorkflowRegistry; build?: BuildWorkflowOptions };
  readonly #stop = new AbortController();
  readonly #running = new Set<Promise<unknown>>();

  constructor(
    store: RunStore,
    rebuild: { workflows?: WorkflowRegistry; build?: BuildWorkflowOptions },
  ) {
    this.#store = store;
    this.#rebuild = rebuild;
  }

  /** Re-executes the run offline from its recording (in memory: nothing is written). */
  async replay(runId: string): Promise<ReplaySummary> {
    const replayed = await replay(runId, {
      store: this.#store,
      ...this.#rebuild,
      signal: this.#stop.signal,
    });
    return {
      runId: replayed.runId,
      identical: replayed.identical,
      differences: replayed.differences,
      status: replayed.result.status,
      served: replayed.served,
      reran: replayed.reran,
      modelCallsRefused: replayed.modelCallsRefused,
    };
  }

  /** Starts a new run from `runId`, running `fromStep` and the steps after it again. */
  async fork(runId: string, fromStep: string, input?: { value: unknown }): Promise<string> {
    const run = await fork(runId, {
      store: this.#store,
      fromStep,
      ...(input ? { input: input.value } : {}),
      ...this.#rebuild,
      signal: this.#stop.signal,
    });
    return this.#track(run);
  }

  /** Continues a run that waited (its approvals decided) or whose process died. */
  async resume(runId: string): Promise<string> {
    const run = await resume(runId, {
      store: this.#store,
      ...this.#rebuild,
      signal: this.#stop.signal,
    });
    return this.#track(run);
  }

  #track(run: DurableRun): string {
    const ended = run.result.catch(() => {});
    this.#running.add(ended);
    ended.finally(() => this.#running.delete(ended));
    return run.id;
  }

  /** Cancels the runs started here that are still going, and waits until they stop. */
  async close(): Promise<void> {
    this.#stop.abort(new Error("the dashboard closed"));
    await Promise.all(this.#running);
  }
}
