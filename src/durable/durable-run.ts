import type { BatonEvent } from "../core/events.js";
import type { LoggedEvent } from "../core/ports/run-store.js";
import type { RunState } from "../core/run/fold-run-log.js";
import { resultOfState } from "../core/run/result-of-state.js";
import type { Run } from "../core/run/run.js";

/** A run started or resumed by the durable API: owned by this process while it runs. */
export interface DurableRun<Output = unknown> extends Run<Output> {
  /** The owner this process holds the run as (released when the run ends). */
  readonly owner: string;
}

/** A DurableRun for a run that had already ended: its logged events and recorded result. */
export function endedRun(state: RunState, log: readonly LoggedEvent[], owner: string): DurableRun {
  const events = log.filter((event) => event.runId === undefined || event.runId === state.runId);
  return {
    id: state.runId,
    owner,
    events: {
      async *[Symbol.asyncIterator]() {
        for (const event of events) {
          const { seq: _seq, ...rest } = event as LoggedEvent & { seq?: number };
          yield rest as unknown as BatonEvent;
        }
      },
    },
    result: Promise.resolve(resultOfState(state, undefined)),
    cancel: () => {},
    decide: () => false,
  };
}
