import { BatonError } from "../errors/baton-error.js";
import type { SerializedError } from "../events.js";
import type { CompiledGraph } from "../workflow/compile-graph.js";
import type { StepRecord } from "./fold-run-log.js";

/**
 * The first failure no quorum absorbed: a failed step whose successors did not all run
 * on a quorum. A run with one fails; a run whose every failure was absorbed succeeds.
 */
export function untoleratedFailure(
  graph: CompiledGraph,
  errors: ReadonlyMap<number, Error>,
  records: Readonly<Record<string, StepRecord>>,
): Error | undefined {
  const { successors, steps, ids } = graph;
  for (const [index, error] of errors) {
    const absorbed =
      successors[index]!.length > 0 &&
      successors[index]!.every(
        (next) =>
          steps[next]!.options.quorum !== undefined && records[ids[next]!]?.status !== "skipped",
      );
    if (!absorbed) return error;
  }
  return undefined;
}

/** An error rebuilt from the log, for a failure recorded before a resume. */
export function errorFromLog(logged: SerializedError | undefined): Error {
  const error = new BatonError(logged?.message ?? "The step failed");
  error.name = logged?.name ?? "Error";
  return error;
}
