import { describe, expect, it } from "vitest";
import { emptyUsage } from "../core/usage.js";
import { RunLedger } from "./run-ledger.js";

const record = (model: string, error?: string) => ({
  model,
  attempt: 1,
  purpose: "step" as const,
  usage: emptyUsage(),
  costCents: 0,
  startedAt: 0,
  durationMs: 1,
  ...(error ? { error: { name: error, message: error } } : {}),
});

describe("RunLedger", () => {
  it("keeps model call records in the order the calls started, though one settles after a later one", () => {
    const ledger = new RunLedger("writer");
    // A call times out; its retry starts and answers; the aborted call settles after it.
    const first = ledger.callPlace();
    const second = ledger.callPlace();
    ledger.addModelCall(record("retry"), second);
    ledger.addModelCall(record("timed-out", "TimeoutError"), first);
    // A record added with no place (a replayed or cached reply) goes after both.
    ledger.addModelCall(record("cached"));
    expect(ledger.modelCalls.map((call) => call.model)).toEqual(["timed-out", "retry", "cached"]);
    expect(ledger.modelCalls[0]?.error).toMatchObject({ name: "TimeoutError" });
  });
});
