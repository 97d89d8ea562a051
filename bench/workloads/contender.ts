import type { FakeModel } from "./fake-model.js";
import type { FakeProvider } from "./fake-provider.js";
import type { WorkloadCase } from "./workload.js";

/** One way of running the workloads: the plain baseline, Baton, or a peer library. */
export interface Contender {
  /**
   * Builds the case's graph once (not timed) and returns how to run it, or why this
   * contender cannot run the case in a way its users would.
   */
  prepare(workloadCase: WorkloadCase, context: PrepareContext): Promise<PreparedCase | Unsupported>;
}

export interface PrepareContext {
  /** The fake model the steps must call, with the step's id. */
  model: FakeModel;
  /** A fresh directory for durable stores (W5). */
  directory: string;
  /** For the PostgreSQL columns of W5: a database on the bench's own temporary server. */
  postgresUrl?: string;
  /** For an LLM-shaped case (W8): the rate-limited provider the steps call. */
  provider?: FakeProvider;
}

export interface PreparedCase {
  /** Runs the graph once; resolves with the workflow's output (the last value of a chain). */
  run(): Promise<unknown>;
  /** Releases stores and files. */
  close?(): Promise<void>;
}

export interface Unsupported {
  unsupported: string;
}

export function isUnsupported(value: PreparedCase | Unsupported): value is Unsupported {
  return "unsupported" in value;
}

/** Steps grouped by the ids they wait for, for contenders that wire edges both ways. */
export function dependents(workloadCase: WorkloadCase): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const step of workloadCase.steps) {
    for (const dep of step.deps) {
      const list = result.get(dep);
      if (list === undefined) result.set(dep, [step.id]);
      else list.push(step.id);
    }
  }
  return result;
}
