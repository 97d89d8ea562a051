import type { SerializedError } from "../events.js";
import type { LoggedEvent } from "../ports/run-store.js";
import { possiblyBilledSpend } from "../usage.js";
import type { RunState } from "./fold-run-log.js";

/** The error a model call cut short by its process's end is logged with. */
export const callCutShort: SerializedError = {
  name: "CallCutShortError",
  code: "call-cut-short",
  message:
    "The process making this model call stopped before its reply was recorded; the provider may have billed it",
};

/**
 * What a resumed run logs for the model calls its last process left open (started, never
 * answered in the log): one `model-call-error` each, possibly billed at the reservation its
 * start recorded, so the spend stays on the books and the resumed agent books it with its
 * turns (it makes the call again).
 */
export function cutShortCalls(state: RunState, at: number): LoggedEvent[] {
  return Object.values(state.openCalls).map((start) => cutShortCall(start, at));
}

/**
 * The `model-call-error` that closes one call left open (its `model-call-start`), possibly
 * billed at the reservation the start recorded: also what an owner logs for the calls of a
 * worker's delivery that died.
 */
export function cutShortCall(start: { [field: string]: unknown }, at: number): LoggedEvent {
  const { type: _type, at: _at, seq: _seq, reservation, ...call } = start;
  const held = reservation as { tokens: number; cents: number | null } | undefined;
  return {
    ...call,
    type: "model-call-error",
    at,
    error: callCutShort,
    ...(held ? possiblyBilledSpend(String(start.model), held) : {}),
  };
}
