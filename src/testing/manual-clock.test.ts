import { describe, expect, it } from "vitest";
import { CancelledError } from "../core/errors/cancelled-error.js";
import { ManualClock } from "./manual-clock.js";

describe("ManualClock", () => {
  it("only moves when advanced, firing due timers in order", async () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.sleep(30).then(() => fired.push(`b@${clock.now()}`));
    clock.sleep(10).then(() => fired.push(`a@${clock.now()}`));
    clock.sleep(30).then(() => fired.push(`c@${clock.now()}`));
    await clock.advance(20);
    expect(fired).toEqual(["a@1010"]);
    expect(clock.now()).toBe(1020);
    await clock.advance(10);
    expect(fired).toEqual(["a@1010", "b@1030", "c@1030"]);
  });

  it("fires timers set by fired timers within the same advance", async () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    clock.sleep(10).then(async () => {
      fired.push(clock.now());
      await clock.sleep(5);
      fired.push(clock.now());
    });
    await clock.advance(100);
    expect(fired).toEqual([10, 15]);
  });

  it("rejects a sleep with CancelledError when its signal aborts", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(10, { signal: controller.signal });
    controller.abort();
    await expect(sleeping).rejects.toSatisfy(CancelledError.isInstance);
    expect(clock.pendingTimers).toBe(0);
  });

  it("runs every timer with runAll", async () => {
    const clock = new ManualClock();
    let done = false;
    clock.sleep(5_000).then(() => {
      done = true;
    });
    await clock.runAll();
    expect(done).toBe(true);
    expect(clock.now()).toBe(5_000);
  });

  it("resolves a zero sleep at once", async () => {
    const clock = new ManualClock();
    await expect(clock.sleep(0)).resolves.toBeUndefined();
  });

  it("records every sleep requested, and runs timers until a promise settles with runUntil", async () => {
    const clock = new ManualClock();
    const work = async () => {
      await clock.sleep(100);
      await new Promise((resolve) => setImmediate(resolve)); // work between timers
      await clock.sleep(250);
      return clock.now();
    };
    const other = clock.sleep(10_000);
    await expect(clock.runUntil(work())).resolves.toBe(350);
    expect(clock.sleeps).toEqual([10_000, 100, 250]);
    // Time stopped where the promise settled; the later timer is still pending.
    expect(clock.pendingTimers).toBe(1);
    await clock.runAll();
    await expect(other).resolves.toBeUndefined();
    await expect(clock.runUntil(Promise.reject(new Error("no")))).rejects.toThrow("no");
  });

  it("says so when runUntil waits for a promise that no timer can settle", async () => {
    const clock = new ManualClock();
    await expect(clock.runUntil(new Promise(() => {}))).rejects.toThrow(
      "runUntil: no timer is pending, but the promise has not settled",
    );
  });
});
