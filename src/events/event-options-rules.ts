import { codeFragments } from "../core/options/option-fragments.js";
import { type OptionRule, rules } from "../core/options/option-rule.js";
import type { PipeSSEOptions } from "./pipe-sse.js";
import type { ProgressViewOptions } from "./progress-view.js";
import type { SendToWebSocketOptions } from "./send-to-web-socket.js";
import type { ToSSEOptions } from "./to-sse.js";

const { object, optional, number, boolean, fn, record, string, withMethods } = rules;
const { clock, signal, nonNegative, text } = codeFragments;

const toSSEFields = {
  signal: optional(signal),
  heartbeatMs: optional(nonNegative),
  clock: optional(clock),
} satisfies Record<keyof ToSSEOptions, OptionRule>;

/** The options of `toSSE(events, options)`. */
export const toSSEOptionsRule = object(toSSEFields, "expected an options object");

/** The options of `pipeSSE(events, response, options)` and `sseResponse(events, options)`. */
export const sseResponseOptionsRule = object(
  {
    ...toSSEFields,
    headers: optional(
      record(text, string("expected a header value (a string)"), "expected an object of headers"),
    ),
  } satisfies Record<keyof PipeSSEOptions, OptionRule>,
  "expected an options object",
);

/** The options of `sendToWebSocket(events, socket, options)`. */
export const sendToWebSocketOptionsRule = object(
  {
    signal: optional(signal),
    closeOnEnd: optional(boolean()),
    serialize: optional(fn()),
  } satisfies Record<keyof SendToWebSocketOptions, OptionRule>,
  "expected an options object",
);

/** The options of `progressView(source, options)`. */
export const progressViewOptionsRule = object(
  {
    stream: optional(withMethods(["write"], "expected a stream with write() (process.stderr)")),
    isTTY: optional(boolean()),
    totalSteps: optional(number({ integer: true, min: 0 }, "expected an integer >= 0")),
    clock: optional(clock),
    refreshMs: optional(nonNegative),
    signal: optional(signal),
  } satisfies Record<keyof ProgressViewOptions, OptionRule>,
  "expected an options object",
);
