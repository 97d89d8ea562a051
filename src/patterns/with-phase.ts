import { type Runnable, type RunnableResult, serializeError } from "../index.js";

/** The phases patterns mark in the event stream. */
export type Phase = "decomposition" | "synthesis";

/**
 * `runnable`, marked in the run's events: `<phase>-start` before it runs, `<phase>-end`
 * after (with its usage and cost, or the error). The engine still sees the runnable's own
 * kind, so its usage and cost are billed to the step as usual.
 */
export function withPhase<Input, Result extends RunnableResult>(
  runnable: Runnable<Input, Result>,
  phase: Phase,
): Runnable<Input, Result> {
  return {
    name: runnable.name,
    kind: runnable.kind,
    async run(input, options = {}) {
      options.emit?.({ type: `${phase}-start`, agent: runnable.name });
      let result: Result;
      try {
        result = await runnable.run(input, options);
      } catch (error) {
        options.emit?.({
          type: `${phase}-end`,
          agent: runnable.name,
          error: serializeError(error),
        });
        throw error;
      }
      options.emit?.({
        type: `${phase}-end`,
        agent: runnable.name,
        usage: result.usage,
        cost: result.cost,
      });
      return result;
    },
  };
}
