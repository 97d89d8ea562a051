import { serializeError } from "../engine/index.js";
import type { Runnable } from "../index.js";

/** The phases patterns mark in the event stream. */
export type Phase = "decomposition" | "synthesis";

/**
 * `runnable`, marked in the run's events: `<phase>-start` before it runs, `<phase>-end`
 * after (with its usage and cost, or the error). The engine still sees the runnable's own
 * kind, so its usage and cost are billed to the step as usual.
 */
export function withPhase<Input, Output>(
  runnable: Runnable<Input, Output>,
  phase: Phase,
): Runnable<Input, Output> {
  return {
    name: runnable.name,
    kind: runnable.kind,
    async execute(input, context) {
      context.emit({ type: `${phase}-start`, agent: runnable.name });
      const outcome = await runnable.execute(input, context);
      context.emit(
        outcome.status === "succeeded"
          ? { type: `${phase}-end`, agent: runnable.name, usage: outcome.usage, cost: outcome.cost }
          : {
              type: `${phase}-end`,
              agent: runnable.name,
              ...(outcome.status !== "waiting" || outcome.error
                ? { error: serializeError(outcome.error) }
                : {}),
            },
      );
      return outcome;
    },
  };
}
