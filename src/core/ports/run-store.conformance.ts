import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BatonError } from "../errors/baton-error.js";
import type { LoggedEvent, NewRunRecord, RunStore } from "./run-store.js";

/** What a conformance suite needs from an adapter's test file. */
export interface RunStoreFixture {
  store: RunStore;
  /**
   * Opens a second, independent handle on the same data (another connection to the same
   * file or server), for the checks that two handles never both win. Omit for stores
   * that cannot be shared (memory).
   */
  openPeer?: () => Promise<RunStore>;
  /** Removes what `makeStore` created (temporary files, schemas). */
  cleanup?: () => Promise<void>;
}

/**
 * The RunStore contract, as vitest specs. Every adapter's test file calls this with a
 * factory that makes a fresh, empty store per test.
 *
 * @example
 * runStoreConformance("MemoryStore", async () => ({ store: new MemoryStore() }));
 */
export function runStoreConformance(name: string, makeStore: () => Promise<RunStoreFixture>): void {
  describe(`${name} (RunStore conformance)`, () => {
    let fixture: RunStoreFixture;
    let store: RunStore;
    const peers: RunStore[] = [];

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });

    afterEach(async () => {
      for (const peer of peers.splice(0)) await peer.close();
      await store.close();
      await fixture.cleanup?.();
    });

    async function openPeer(): Promise<RunStore | undefined> {
      const peer = await fixture.openPeer?.();
      if (peer) peers.push(peer);
      return peer;
    }

    describe("createRun", () => {
      it("records a run that getRun returns, with updatedAt set to createdAt", async () => {
        await store.createRun(run("r1", { createdAt: 1_000 }));
        expect(await store.getRun("r1")).toEqual({
          ...run("r1", { createdAt: 1_000 }),
          updatedAt: 1_000,
        });
      });

      it("stores input, definition and metadata exactly as given", async () => {
        const definition = {
          spec: {
            steps: [
              { id: "a", dependsOn: [] },
              { id: "b", dependsOn: ["a"] },
            ],
          },
          version: 3,
          flags: [true, false, null],
        };
        const input = {
          task: "Quantum computing in 2026 — ünïcødé 🚀",
          count: 2.5,
          nested: [[1], []],
        };
        const metadata = { tenant: "acme", tags: ["x", "y"], depth: { a: { b: 1 } } };
        await store.createRun(run("r1", { input, definition, metadata, parentId: "p0" }));
        const stored = await store.getRun("r1");
        expect(stored?.input).toEqual(input);
        expect(stored?.definition).toEqual(definition);
        expect(stored?.metadata).toEqual(metadata);
        expect(stored?.parentId).toBe("p0");
      });

      it("rejects a second run with the same id and keeps the first", async () => {
        await store.createRun(run("r1", { workflow: "first" }));
        const error = await store.createRun(run("r1", { workflow: "second" })).catch((e) => e);
        expectStoreError(error, "run-exists");
        expect((await store.getRun("r1"))?.workflow).toBe("first");
      });

      it("rejects a run without a string id with a TypeError", async () => {
        const bad = { ...run("x"), id: 42 } as unknown as NewRunRecord;
        await expect(store.createRun(bad)).rejects.toThrow(TypeError);
      });
    });

    describe("getRun", () => {
      it("resolves undefined for an unknown run", async () => {
        expect(await store.getRun("nope")).toBeUndefined();
      });

      it("returns a copy that the caller cannot use to change the stored run", async () => {
        await store.createRun(run("r1"));
        const first = await store.getRun("r1");
        if (!first) throw new Error("run missing");
        first.status = "failed";
        first.workflow = "changed";
        expect(await store.getRun("r1")).toMatchObject({ status: "pending", workflow: "flow" });
      });
    });

    describe("append", () => {
      it("returns 1-based, gap-free sequence numbers that continue across calls", async () => {
        await store.createRun(run("r1"));
        expect(await store.append("r1", [event("a"), event("b")])).toEqual([1, 2]);
        expect(await store.append("r1", [event("c")])).toEqual([3]);
        expect(await store.append("r1", [event("d"), event("e"), event("f")])).toEqual([4, 5, 6]);
      });

      it("numbers each run's log on its own", async () => {
        await store.createRun(run("r1"));
        await store.createRun(run("r2"));
        expect(await store.append("r1", [event("a"), event("b")])).toEqual([1, 2]);
        expect(await store.append("r2", [event("a")])).toEqual([1]);
        expect(await store.append("r1", [event("c")])).toEqual([3]);
      });

      it("appends nothing and returns [] for an empty batch", async () => {
        await store.createRun(run("r1"));
        expect(await store.append("r1", [])).toEqual([]);
        expect(await store.append("r1", [event("a")])).toEqual([1]);
      });

      it("rejects events for an unknown run", async () => {
        expectStoreError(await store.append("nope", [event("a")]).catch((e) => e), "run-not-found");
      });

      it("appends with an owner only while that owner holds the run (a compare-and-set)", async () => {
        await store.createRun(run("r1"));
        const refused = (owner: string, events: LoggedEvent[]) =>
          store.append("r1", events, { owner }).catch((error: unknown) => error);
        expectStoreError(await refused("p1", [event("x")]), "not-owner");
        expect(await store.claimRun("r1", "p1", { now: 10, staleBefore: 0 })).toBe(true);
        expect(await store.append("r1", [event("a")], { owner: "p1" })).toEqual([1]);
        expect(await store.append("r1", [event("b")], { owner: "p1" })).toEqual([2]);
        // p1's heartbeat went stale and p2 took the run over: p1's next write fails whole.
        expect(await store.claimRun("r1", "p2", { now: 100, staleBefore: 50 })).toBe(true);
        expectStoreError(await refused("p1", [event("c"), event("d")]), "not-owner");
        expectStoreError(await refused("p1", [event("c")]), "not-owner");
        expect(await store.append("r1", [event("c")], { owner: "p2" })).toEqual([3]);
        expect(await store.append("r1", [event("d")])).toEqual([4]);
        expect((await store.readLog("r1")).map((logged) => logged.type)).toEqual([
          "a",
          "b",
          "c",
          "d",
        ]);
      });

      it("refuses an append whose owner lost the run to another handle on the same store", async () => {
        const peer = await openPeer();
        if (!peer) return;
        await store.createRun(run("r1"));
        expect(await store.claimRun("r1", "p1", { now: 10, staleBefore: 0 })).toBe(true);
        expect(await store.append("r1", [event("a")], { owner: "p1" })).toEqual([1]);
        expect(await peer.claimRun("r1", "p2", { now: 100, staleBefore: 50 })).toBe(true);
        expectStoreError(
          await store.append("r1", [event("b")], { owner: "p1" }).catch((error: unknown) => error),
          "not-owner",
        );
        expect(await peer.append("r1", [event("b")], { owner: "p2" })).toEqual([2]);
      });

      it("appends all of a batch or none of it", async () => {
        await store.createRun(run("r1"));
        await store.append("r1", [event("a")]);
        const bad = [event("b"), { type: "c" } as unknown as LoggedEvent, event("d")];
        await expect(store.append("r1", bad)).rejects.toThrow(TypeError);
        expect((await store.readLog("r1")).map((e) => e.type)).toEqual(["a"]);
        expect(await store.append("r1", [event("e")])).toEqual([2]);
      });

      it("keeps concurrent appends gap-free and in the order of their sequence numbers", async () => {
        await store.createRun(run("r1"));
        const batches = Array.from({ length: 25 }, (_, index) => [
          event(`start-${index}`),
          event(`end-${index}`),
        ]);
        const results = await Promise.all(batches.map((batch) => store.append("r1", batch)));
        expect(results.flat().sort((a, b) => a - b)).toEqual(range(1, 50));
        for (const seqs of results) expect(seqs[1]).toBe(seqs[0]! + 1);
        const log = await store.readLog("r1");
        results.forEach((seqs, index) => {
          expect(log[seqs[0]! - 1]?.type).toBe(`start-${index}`);
          expect(log[seqs[1]! - 1]?.type).toBe(`end-${index}`);
        });
      });

      it("keeps appends from two handles on the same data gap-free", async () => {
        const peer = await openPeer();
        if (!peer) return;
        await store.createRun(run("r1"));
        const results = await Promise.all(
          range(1, 20).map((index) =>
            (index % 2 ? store : peer).append("r1", [event("x"), event("y")]),
          ),
        );
        expect(results.flat().sort((a, b) => a - b)).toEqual(range(1, 40));
        expect((await peer.readLog("r1")).map((e) => e.seq)).toEqual(range(1, 40));
      });

      it("is not changed by mutating an event after appending it", async () => {
        await store.createRun(run("r1"));
        const appended = event("a", { stepId: "s1" });
        await store.append("r1", [appended]);
        appended.type = "changed";
        appended.stepId = "s2";
        expect(await store.readLog("r1")).toEqual([{ type: "a", at: 1, stepId: "s1", seq: 1 }]);
      });
    });

    describe("readLog", () => {
      it("returns every event in order with its payload and sequence number", async () => {
        await store.createRun(run("r1"));
        const first = event("step-start", { stepId: "a", attempt: 1 });
        const second = event("step-end", {
          stepId: "a",
          output: { text: "hi", items: [1, 2, { deep: true }] },
          usage: { inputTokens: 10, outputTokens: 3 },
        });
        await store.append("r1", [first, second]);
        await store.append("r1", [event("run-end")]);
        expect(await store.readLog("r1")).toEqual([
          { ...first, seq: 1 },
          { ...second, seq: 2 },
          { ...event("run-end"), seq: 3 },
        ]);
      });

      it("starts after afterSeq, exclusive", async () => {
        await store.createRun(run("r1"));
        await store.append(
          "r1",
          ["a", "b", "c", "d"].map((type) => event(type)),
        );
        expect((await store.readLog("r1", { afterSeq: 2 })).map((e) => [e.seq, e.type])).toEqual([
          [3, "c"],
          [4, "d"],
        ]);
        expect(await store.readLog("r1", { afterSeq: 4 })).toEqual([]);
        expect(await store.readLog("r1", { afterSeq: 99 })).toEqual([]);
        expect(await store.readLog("r1", { afterSeq: 0 })).toHaveLength(4);
      });

      it("treats afterSeq as a position: fractions and negatives work, NaN is a TypeError", async () => {
        await store.createRun(run("r1"));
        await store.append(
          "r1",
          ["a", "b", "c"].map((type) => event(type)),
        );
        expect((await store.readLog("r1", { afterSeq: 1.5 })).map((e) => e.seq)).toEqual([2, 3]);
        expect((await store.readLog("r1", { afterSeq: -5 })).map((e) => e.seq)).toEqual([1, 2, 3]);
        await expect(store.readLog("r1", { afterSeq: Number.NaN })).rejects.toThrow(TypeError);
      });

      it("returns [] for a run with no events and for an unknown run", async () => {
        await store.createRun(run("r1"));
        expect(await store.readLog("r1")).toEqual([]);
        expect(await store.readLog("nope")).toEqual([]);
      });

      it("returns events the caller cannot use to change the log", async () => {
        await store.createRun(run("r1"));
        await store.append("r1", [event("a")]);
        const [read] = await store.readLog("r1");
        if (!read) throw new Error("event missing");
        read.type = "changed";
        read.seq = 99;
        expect(await store.readLog("r1")).toEqual([{ type: "a", at: 1, seq: 1 }]);
      });
    });

    describe("listRuns", () => {
      beforeEach(async () => {
        await store.createRun(run("old", { createdAt: 10, status: "succeeded" }));
        await store.createRun(run("mid", { createdAt: 20, status: "running", parentId: "old" }));
        await store.createRun(run("new", { createdAt: 30, status: "failed", parentId: "old" }));
        await store.createRun(run("newest", { createdAt: 40, status: "running" }));
      });

      const ids = async (options?: Parameters<RunStore["listRuns"]>[0]) =>
        (await store.listRuns(options)).map((r) => r.id);

      it("lists every run, newest first", async () => {
        expect(await ids()).toEqual(["newest", "new", "mid", "old"]);
      });

      it("lists the later-created run first when two share a createdAt", async () => {
        await store.createRun(run("tie-a", { createdAt: 50 }));
        await store.createRun(run("tie-b", { createdAt: 50 }));
        expect((await ids()).slice(0, 2)).toEqual(["tie-b", "tie-a"]);
      });

      it("filters by one status or several", async () => {
        expect(await ids({ status: "running" })).toEqual(["newest", "mid"]);
        expect(await ids({ status: ["succeeded", "failed"] })).toEqual(["new", "old"]);
        expect(await ids({ status: [] })).toEqual([]);
        expect(await ids({ status: "waiting" })).toEqual([]);
      });

      it("filters by parentId", async () => {
        expect(await ids({ parentId: "old" })).toEqual(["new", "mid"]);
        expect(await ids({ parentId: "none" })).toEqual([]);
      });

      it("keeps the newest `limit` runs, after filtering", async () => {
        expect(await ids({ limit: 2 })).toEqual(["newest", "new"]);
        expect(await ids({ limit: 0 })).toEqual([]);
        expect(await ids({ limit: 1, status: "running", parentId: "old" })).toEqual(["mid"]);
      });

      it("returns full records, reflecting updates", async () => {
        await store.updateRun("mid", { status: "waiting", updatedAt: 25 });
        const [mid] = await store.listRuns({ status: "waiting" });
        expect(mid).toMatchObject({ id: "mid", workflow: "flow", parentId: "old", updatedAt: 25 });
      });

      it("rejects a negative limit with a TypeError", async () => {
        await expect(store.listRuns({ limit: -1 })).rejects.toThrow(TypeError);
      });
    });

    describe("updateRun", () => {
      beforeEach(async () => {
        await store.createRun(run("r1", { createdAt: 5, input: { q: 1 } }));
      });

      it("changes only the fields in the patch", async () => {
        await store.updateRun("r1", { status: "running", updatedAt: 6 });
        await store.updateRun("r1", { heartbeatAt: 7, owner: "worker-1" });
        expect(await store.getRun("r1")).toEqual({
          ...run("r1", { createdAt: 5, input: { q: 1 } }),
          status: "running",
          updatedAt: 6,
          heartbeatAt: 7,
          owner: "worker-1",
        });
      });

      it("records output and error", async () => {
        await store.updateRun("r1", { status: "succeeded", output: { text: "done", n: [1, 2] } });
        expect((await store.getRun("r1"))?.output).toEqual({ text: "done", n: [1, 2] });
        await store.updateRun("r1", { status: "failed", error: "boom" });
        expect(await store.getRun("r1")).toMatchObject({ status: "failed", error: "boom" });
      });

      it("clears the owner when given owner: null", async () => {
        await store.updateRun("r1", { owner: "worker-1", heartbeatAt: 9 });
        await store.updateRun("r1", { owner: null });
        const stored = await store.getRun("r1");
        expect(stored?.owner).toBeUndefined();
        expect(stored?.heartbeatAt).toBe(9);
      });

      it("rejects a patch for an unknown run", async () => {
        expectStoreError(
          await store.updateRun("nope", { status: "failed" }).catch((e) => e),
          "run-not-found",
        );
      });

      it("leaves the log alone", async () => {
        await store.append("r1", [event("a")]);
        await store.updateRun("r1", { status: "succeeded" });
        expect(await store.append("r1", [event("b")])).toEqual([2]);
      });
    });

    describe("claimRun", () => {
      const at = (now: number, staleBefore: number) => ({ now, staleBefore });

      beforeEach(async () => {
        await store.createRun(run("r1"));
      });

      it("takes a run that has no owner and stamps the heartbeat", async () => {
        expect(await store.claimRun("r1", "a", at(100, 50))).toBe(true);
        expect(await store.getRun("r1")).toMatchObject({ owner: "a", heartbeatAt: 100 });
      });

      it("lets the owner claim again, refreshing the heartbeat", async () => {
        await store.claimRun("r1", "a", at(100, 50));
        expect(await store.claimRun("r1", "a", at(200, 150))).toBe(true);
        expect(await store.getRun("r1")).toMatchObject({ owner: "a", heartbeatAt: 200 });
      });

      it("refuses a run whose owner's heartbeat is fresh", async () => {
        await store.claimRun("r1", "a", at(100, 50));
        expect(await store.claimRun("r1", "b", at(120, 100))).toBe(false);
        expect(await store.claimRun("r1", "b", at(120, 90))).toBe(false);
        expect(await store.getRun("r1")).toMatchObject({ owner: "a", heartbeatAt: 100 });
      });

      it("takes a run whose owner's heartbeat is older than staleBefore", async () => {
        await store.claimRun("r1", "a", at(100, 50));
        expect(await store.claimRun("r1", "b", at(300, 101))).toBe(true);
        expect(await store.getRun("r1")).toMatchObject({ owner: "b", heartbeatAt: 300 });
        expect(await store.claimRun("r1", "a", at(310, 250))).toBe(false);
      });

      it("takes a run whose owner was cleared", async () => {
        await store.claimRun("r1", "a", at(100, 50));
        await store.updateRun("r1", { owner: null });
        expect(await store.claimRun("r1", "b", at(110, 50))).toBe(true);
      });

      it("takes a run owned without any heartbeat", async () => {
        await store.updateRun("r1", { owner: "a" });
        expect(await store.claimRun("r1", "b", at(10, 0))).toBe(true);
      });

      it("never lets two concurrent claimants both win", async () => {
        const owners = range(1, 12).map((n) => `worker-${n}`);
        const results = await Promise.all(owners.map((o) => store.claimRun("r1", o, at(100, 50))));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.getRun("r1"))?.owner).toBe(owners[results.indexOf(true)]);
      });

      it("never lets claimants on two handles both win", async () => {
        const peer = await openPeer();
        if (!peer) return;
        const results = await Promise.all(
          range(1, 10).map((n) =>
            (n % 2 ? store : peer).claimRun("r1", `worker-${n}`, at(100, 50)),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it("rejects a claim on an unknown run", async () => {
        expectStoreError(
          await store.claimRun("nope", "a", at(1, 0)).catch((e) => e),
          "run-not-found",
        );
      });
    });

    describe("close", () => {
      it("makes later calls fail with a StoreError and can be called twice", async () => {
        await store.createRun(run("r1"));
        await store.close();
        expectStoreError(await store.getRun("r1").catch((e) => e), "closed");
        expectStoreError(await store.append("r1", [event("a")]).catch((e) => e), "closed");
        await store.close();
      });
    });
  });
}

function run(id: string, overrides: Partial<NewRunRecord> = {}): NewRunRecord {
  return { id, workflow: "flow", status: "pending", createdAt: 1, ...overrides };
}

function event(type: string, fields: Record<string, unknown> = {}): LoggedEvent {
  return { type, at: 1, ...fields };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

function expectStoreError(error: unknown, code: string): void {
  expect(BatonError.isInstance(error), `expected a BatonError, got ${String(error)}`).toBe(true);
  expect(error).toMatchObject({ name: "StoreError", code });
}
