import { describe, expect, it } from "vitest";
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

  it("rejects bad options with TypeErrors", () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(/failureThreshold/);
    expect(() => new CircuitBreaker({ cooldownMs: -1 })).toThrow(/cooldownMs/);
  });
});
