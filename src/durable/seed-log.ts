import type { LoggedEvent } from "../core/ports/run-store.js";
import type { Workflow } from "../core/workflow/workflow.js";

/** Events that carry a step's outcome (and the decisions it needed) from one log to another. */
const stepEventTypes = new Set([
  "step-start",
  "step-end",
  "step-error",
  "step-retry",
  "step-skip",
  "approval-request",
  "approval-decision",
  "approval-output",
]);

/**
 * The start of a new run's log that already holds some steps' outcomes, copied from a
 * recorded run: a `run-start` with the new input, then every lifecycle event of the kept
 * steps, renamed to the new run. Folding it gives the state to resume from, so the kept
 * steps never run and keep their recorded outputs; and the new run's own log stays
 * complete (it can itself be resumed after a crash, or shown, without the original).
 * With `decisions`, the human decisions on every other step are copied too (a replay
 * reruns a function step that needed approval on the decision recorded for it, instead of
 * asking again); a fork leaves them out, since its rerun steps work on a new input.
 */
export function seedLog(
  recorded: readonly LoggedEvent[],
  options: {
    recordedRunId: string;
    runId: string;
    workflow: Workflow;
    input: unknown;
    keep: ReadonlySet<string>;
    at: number;
    /** Copy `approval-decision` events of the steps not kept as well. @default false */
    decisions?: boolean;
  },
): LoggedEvent[] {
  const { recordedRunId, runId, workflow, keep } = options;
  const seed: LoggedEvent[] = [
    {
      type: "run-start",
      at: options.at,
      runId,
      workflow: workflow.name,
      input: options.input,
      steps: [...workflow.stepIds],
    },
  ];
  for (const event of recorded) {
    if (event.runId !== recordedRunId || !stepEventTypes.has(event.type)) continue;
    const decision = options.decisions === true && event.type === "approval-decision";
    if (!keep.has(event.stepId as string) && !decision) continue;
    const { seq: _seq, parentRunId: _parent, ...rest } = event as LoggedEvent & { seq?: number };
    seed.push({ ...rest, runId });
  }
  return seed;
}

/** `fromStep` and every step that depends on it, directly or not. */
export function descendantsOf(workflow: Workflow, fromStep: string): Set<string> {
  const successors = new Map<string, string[]>();
  for (const { from, to } of workflow.graph().edges) {
    const list = successors.get(from) ?? [];
    list.push(to);
    successors.set(from, list);
  }
  const found = new Set<string>([fromStep]);
  const queue = [fromStep];
  while (queue.length > 0) {
    for (const next of successors.get(queue.pop()!) ?? []) {
      if (!found.has(next)) {
        found.add(next);
        queue.push(next);
      }
    }
  }
  return found;
}
