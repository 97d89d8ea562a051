import { describe, expect, it } from "vitest";
import { disagreements } from "../core/test-support/rule-agreement.js";
import { optionsErrorThrownBy } from "../core/test-support/thrown-by.js";
import * as eventRules from "./event-options-rules.js";
import { progressView } from "./progress-view.js";
import { sendToWebSocket } from "./send-to-web-socket.js";
import { sseResponse } from "./sse-response.js";
import { EventChannel } from "./test-support.js";
import { toSSE } from "./to-sse.js";

const rejection = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);

describe("The options rules of the event adapters", () => {
  for (const [name, rule] of Object.entries(eventRules)) {
    it(`${name}: its plain test and its zod schema agree`, () => {
      expect(disagreements(rule)).toEqual([]);
    });
  }

  it("toSSE() reports every problem at once, an unknown option with a did-you-mean", async () => {
    const error = await rejection(
      toSSE(new EventChannel(), { heartbeatMs: -1, clock: {}, heartbeat: 5 } as never).next(),
    );
    expect(String(error)).toBe(
      [
        "OptionsError: Invalid options for toSSE() (3 problems):",
        "  heartbeatMs: expected a number >= 0, received -1",
        "  clock: expected a Clock with now() and sleep()",
        '  heartbeat: unknown option "heartbeat" (did you mean "heartbeatMs"?)',
      ].join("\n"),
    );
  });

  it("sseResponse() checks its options before it streams", () => {
    const error = optionsErrorThrownBy(() =>
      sseResponse(new EventChannel(), { headers: { "x-a": 1 }, singal: undefined } as never),
    );
    expect(error.issues).toEqual([
      { path: "headers.x-a", message: "expected a header value (a string), received 1" },
      { path: "singal", message: 'unknown option "singal" (did you mean "signal"?)' },
    ]);
  });

  it("sendToWebSocket() reports every problem at once", async () => {
    const socket = { send: () => {} };
    const error = await rejection(
      sendToWebSocket(new EventChannel(), socket, {
        closeOnEnd: "yes",
        serialize: JSON,
        closeOnEn: true,
      } as never),
    );
    expect(String(error)).toBe(
      [
        "OptionsError: Invalid options for sendToWebSocket() (3 problems):",
        '  closeOnEnd: expected true or false, received "yes"',
        "  serialize: expected a function",
        '  closeOnEn: unknown option "closeOnEn" (did you mean "closeOnEnd"?)',
      ].join("\n"),
    );
  });

  it("progressView() reports a bad totalSteps with its other problems", async () => {
    const error = await rejection(
      progressView(new EventChannel(), { totalSteps: 2.5, refreshMs: -5, totalStep: 3 } as never),
    );
    expect(String(error)).toBe(
      [
        "OptionsError: Invalid options for progressView() (3 problems):",
        "  totalSteps: expected an integer >= 0, received 2.5",
        "  refreshMs: expected a number >= 0, received -5",
        '  totalStep: unknown option "totalStep" (did you mean "totalSteps"?)',
      ].join("\n"),
    );
  });
});
