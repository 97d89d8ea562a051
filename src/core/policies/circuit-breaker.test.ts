import { describe, expect, it } from "vitest";
import { CircuitBreakers } from "../../runtime/circuit-breakers.js";
import { CircuitBreaker } from "./circuit-breaker.js";

describe("CircuitBreaker", () => {
  it("opens after failureThreshold consecutive failures", () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000 });
    expect(breaker.recordFailure(0)).toBe(false);
    expect(breaker.recordFailure(0)).toBe(false);
    expect(breaker.recordFailure(5)).toBe(true);
    expect(breaker.state).toBe("open");
    expect(breaker.admit(500)).toBe("reject");
    expect(breaker.retryAt).toBe(1005);
  });

  it("resets the count on a success", () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000 });
    breaker.recordFailure(0);
    breaker.recordSuccess();
    expect(breaker.recordFailure(0)).toBe(false);
    expect(breaker.state).toBe("closed");
  });

  it("half-opens after the cool-down and lets exactly one trial through", () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1000 });
    breaker.recordFailure(0);
    let halfOpened = 0;
    expect(breaker.admit(1000, () => halfOpened++)).toBe("trial");
    expect(breaker.state).toBe("half-open");
    expect(breaker.admit(1000, () => halfOpened++)).toBe("reject");
    expect(halfOpened).toBe(1);
  });

  it("closes when the trial succeeds and reopens when it fails", () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1000 });
    breaker.recordFailure(0);
    breaker.admit(1000);
    expect(breaker.recordSuccess()).toBe(true);
    expect(breaker.state).toBe("closed");
    breaker.recordFailure(2000);
    breaker.admit(3000);
    expect(breaker.recordFailure(3000)).toBe(true);
    expect(breaker.state).toBe("open");
    expect(breaker.admit(3500)).toBe("reject");
  });

  it("frees the trial slot when the trial is abandoned", () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 0 });
    breaker.recordFailure(0);
    expect(breaker.admit(0)).toBe("trial");
    breaker.recordAbandoned();
    expect(breaker.admit(0)).toBe("trial");
  });

  it("rejects bad options given to new CircuitBreakers(), every problem at once", () => {
    expect(() => new CircuitBreakers({ failureRateThreshold: 0, cooldownMs: -1 })).toThrow(
      [
        "Invalid options for new CircuitBreakers() (2 problems):",
        "  failureRateThreshold: expected a number in (0, 1], received 0",
        "  cooldownMs: expected a number >= 0, received -1",
      ].join("\n"),
    );
    expect(() => new CircuitBreakers({ minimumCalls: 30, windowSize: 20 })).toThrow(
      "windowSize: expected an integer >= minimumCalls (30), received 20",
    );
    expect(() => new CircuitBreakers({ failureThreshold: 3, minimumCalls: 10 })).toThrow(
      /failureThreshold: expected it alone .* not with minimumCalls/,
    );
  });
});

describe("CircuitBreaker with the default options", () => {
  it("measures the failure rate over the last 100 calls, once 20 have been made", () => {
    const breaker = new CircuitBreaker();
    expect(breaker).toMatchObject({
      failureRateThreshold: 0.6,
      minimumCalls: 20,
      windowSize: 100,
      cooldownMs: 30_000,
      halfOpenProbes: 3,
    });
    for (let call = 0; call < 19; call++) expect(breaker.recordFailure(call)).toBe(false);
    expect(breaker.recordFailure(19)).toBe(true);
    expect(breaker.failures).toBe(20);
  });

  it("forgets calls older than the window", () => {
    const breaker = new CircuitBreaker({ windowSize: 20 });
    for (let call = 0; call < 10; call++) breaker.recordFailure(call);
    for (let call = 0; call < 20; call++) breaker.recordSuccess();
    expect({ calls: breaker.calls, failures: breaker.failures }).toEqual({
      calls: 20,
      failures: 0,
    });
    // Eleven failures among the last 20 calls: under 60%; the twelfth opens it.
    for (let call = 0; call < 11; call++) expect(breaker.recordFailure(call)).toBe(false);
    expect(breaker.recordFailure(11)).toBe(true);
  });

  it("ignores the outcomes of calls let through before it opened", () => {
    const breaker = new CircuitBreaker({ minimumCalls: 2, cooldownMs: 100 });
    breaker.recordFailure(0);
    breaker.recordFailure(0);
    expect(breaker.recordSuccess({ trial: false })).toBe(false);
    expect(breaker.recordFailure(50, { trial: false })).toBe(false);
    expect(breaker.state).toBe("open");
    expect(breaker.admit(100)).toBe("trial");
    expect(breaker.recordSuccess({ trial: false })).toBe(false);
    expect(breaker.state).toBe("half-open");
  });
});
