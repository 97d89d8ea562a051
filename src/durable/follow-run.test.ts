import { afterEach, describe, expect, it } from "vitest";
import type { LoggedEvent, RunStore, StoredEvent } from "../core/ports/run-store.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { ManualClock } from "../testing/manual-clock.js";
import { DurableError } from "./durable-error.js";
import { followRun, type RunLogWatch } from "./follow-run.js";
import { type Durable, openDurable } from "./open-durable.js";
import { followReleasing, gatedTwoSteps } from "./test-support.js";

/** Follows in the background; `seen` grows as events arrive, `done` settles when the iteration ends. */
function collect(events: AsyncIterable<StoredEvent>) {
  const seen: StoredEvent[] = [];
  const done = (async () => {
    for await (const event of events) seen.push(event);
  })();
  return { seen, done, seqs: () => seen.map((event) => event.seq) };
}

const event = (type: string, fields: Record<string, unknown> = {}): LoggedEvent => ({
  type,
  at: 1,
  runId: "r1",
  ...fields,
});

/** A MemoryStore that can notify, as PostgresStore does: `notify()` calls the watchers. */
class NotifyingStore extends MemoryStore implements RunLogWatch {
  readonly watchers = new Set<() => void>();
  unwatched = 0;

  async watchRun(_runId: string, onChange: () => void) {
    this.watchers.add(onChange);
    return async () => {
      this.watchers.delete(onChange);
      this.unwatched++;
    };
  }

  notify(): void {
    for (const watcher of this.watchers) watcher();
  }
}

describe("followRun", () => {
  async function storeWithRun<S extends RunStore>(store: S): Promise<S> {
    await store.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
    await store.append("r1", [event("run-start"), event("step-start", { stepId: "a" })]);
    return store;
  }

  it("yields the logged events, then each new one at the next read, and ends when the run ends", async () => {
    const clock = new ManualClock();
    const store = await storeWithRun(new MemoryStore());
    const follower = collect(followRun(store, "r1", { clock, pollMs: 100 }));
    await clock.advance(0);
    expect(follower.seqs()).toEqual([1, 2]);
    await store.append("r1", [event("step-end", { stepId: "a" })]);
    await clock.advance(99);
    expect(follower.seqs()).toEqual([1, 2]);
    await clock.advance(1);
    expect(follower.seqs()).toEqual([1, 2, 3]);
    await store.append("r1", [event("run-end")]);
    await clock.advance(100);
    await follower.done;
    expect(follower.seen.map((logged) => logged.type)).toEqual([
      "run-start",
      "step-start",
      "step-end",
      "run-end",
    ]);
  });

  it("reads at once when a store that can notify says the log grew, and stops watching at the end", async () => {
    const clock = new ManualClock();
    const store = await storeWithRun(new NotifyingStore());
    const follower = collect(followRun(store, "r1", { clock, pollMs: 100 }));
    await clock.advance(0);
    expect(follower.seqs()).toEqual([1, 2]);
    await store.append("r1", [event("step-end", { stepId: "a" })]);
    store.notify();
    await clock.advance(0);
    expect(follower.seqs()).toEqual([1, 2, 3]);
    // Without a notification the log is read again only after 10 * pollMs, in case one was lost.
    await store.append("r1", [event("run-error")]);
    await clock.advance(999);
    expect(follower.seqs()).toEqual([1, 2, 3]);
    await clock.advance(1);
    await follower.done;
    expect(follower.seqs()).toEqual([1, 2, 3, 4]);
    expect(store.unwatched).toBe(1);
  });

  it("starts after afterSeq, and goes on past an earlier wait when the run was resumed", async () => {
    const store = await storeWithRun(new MemoryStore());
    await store.append("r1", [
      event("run-wait", { reason: "approval" }),
      event("run-resume"),
      event("step-end", { stepId: "a" }),
      // A sub-workflow's end is not the run's.
      event("run-end", { runId: "child" }),
      event("run-cancel"),
    ]);
    const types: string[] = [];
    for await (const logged of followRun(store, "r1", { afterSeq: 2 })) types.push(logged.type);
    expect(types).toEqual(["run-wait", "run-resume", "step-end", "run-end", "run-cancel"]);
  });

  it("ends when its signal aborts", async () => {
    const clock = new ManualClock();
    const store = await storeWithRun(new NotifyingStore());
    const controller = new AbortController();
    const follower = collect(followRun(store, "r1", { clock, signal: controller.signal }));
    await clock.advance(0);
    controller.abort();
    await follower.done;
    expect(follower.seqs()).toEqual([1, 2]);
    expect(store.unwatched).toBe(1);
  });

  it("rejects an unknown run with a DurableError, and bad arguments with TypeErrors", async () => {
    const store = new MemoryStore();
    const error = await collect(followRun(store, "nope")).done.catch((caught: unknown) => caught);
    expect(DurableError.isInstance(error) && error.code).toBe("run-not-found");
    expect(() => followRun(store, "")).toThrow(/runId must be a non-empty string/);
    expect(() => followRun(store, "r1", { pollMs: 0 })).toThrow(/options\.pollMs/);
    expect(() => followRun({} as RunStore, "r1")).toThrow(/store must be a RunStore/);
  });
});

describe("Durable.follow", () => {
  const open: Durable[] = [];
  afterEach(async () => {
    for (const durable of open.splice(0)) await durable.close();
  });

  it("follows a run owned by another Durable on the same store, step by step as it runs", async () => {
    const store = new MemoryStore();
    const { flow, release } = gatedTwoSteps();
    const owner = await openDurable({ store, owner: "owner" });
    const watcher = await openDurable({ store, owner: "watcher" });
    open.push(owner, watcher);
    const run = owner.start(flow, undefined);
    const types = await followReleasing(watcher.follow(run.id, { pollMs: 5 }), release);
    expect(types).toContain("step-end first");
    expect(types.at(-1)).toBe("run-end");
    expect((await run.result).status).toBe("succeeded");
  });
});
