import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket.js";

describe("TokenBucket", () => {
  it("allows a burst of one minute's worth, then waits for the refill", () => {
    const bucket = new TokenBucket(60, 0); // one per second
    for (let call = 0; call < 60; call++) {
      expect(bucket.waitTime(0, 1)).toBe(0);
      bucket.take(0, 1);
    }
    expect(bucket.waitTime(0, 1)).toBe(1000);
    expect(bucket.waitTime(500, 1)).toBe(500);
    expect(bucket.waitTime(1000, 1)).toBe(0);
  });

  it("allows a burst of only burstSeconds' worth when told", () => {
    const bucket = new TokenBucket(600, 0, 1); // 10 a second, at most 10 at once
    for (let call = 0; call < 10; call++) bucket.take(0, 1);
    expect(bucket.capacity).toBe(10);
    expect(bucket.waitTime(0, 1)).toBe(100);
    expect(bucket.waitTime(1_000, 10)).toBe(0);
    expect(bucket.available(60_000)).toBe(10);
    expect(() => new TokenBucket(600, 0, 0)).toThrow(/burstSeconds/);
  });

  it("treats an amount above capacity as the capacity", () => {
    const bucket = new TokenBucket(100, 0);
    bucket.take(0, 100);
    expect(bucket.waitTime(0, 1_000)).toBe(60_000);
  });

  it("lets an overdraft make later calls wait longer and gives back over-estimates", () => {
    const bucket = new TokenBucket(600, 0); // 10 a second
    bucket.take(0, 600);
    bucket.adjust(0, 100); // the call used 100 more than estimated
    expect(bucket.available(0)).toBe(-100);
    expect(bucket.waitTime(0, 10)).toBe(11_000);
    bucket.adjust(0, -300);
    expect(bucket.available(0)).toBe(200);
  });

  it("rejects a rate that is not a positive number", () => {
    expect(() => new TokenBucket(0, 0)).toThrow(TypeError);
  });
});
