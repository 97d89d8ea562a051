import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BatonError } from "../errors/baton-error.js";
import type { ScheduleRecord, ScheduleStore } from "./schedule-store.js";

/** What the ScheduleStore conformance suite needs from an adapter's test file. */
/** A schedule store under test, and how to close what holds it (its run store, say). */
export interface OpenScheduleStore {
  store: ScheduleStore;
  close(): Promise<void>;
}

export interface ScheduleStoreFixture extends OpenScheduleStore {
  /** Opens a second handle on the same data, for cross-handle checks; omit for memory. */
  openPeer?: () => Promise<OpenScheduleStore>;
  cleanup?: () => Promise<void>;
}

/**
 * The ScheduleStore contract, as vitest specs, run against every adapter with a factory
 * that makes a fresh, empty store per test.
 *
 * @example
 * scheduleStoreConformance("MemoryStore", async () => {
 *   const runs = new MemoryStore();
 *   return { store: runs.schedules, close: () => runs.close() };
 * });
 */
export function scheduleStoreConformance(
  name: string,
  makeStore: () => Promise<ScheduleStoreFixture>,
): void {
  describe(`${name} (ScheduleStore conformance)`, () => {
    let fixture: ScheduleStoreFixture;
    let store: ScheduleStore;
    const peers: OpenScheduleStore[] = [];

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });

    afterEach(async () => {
      for (const peer of peers.splice(0)) await peer.close();
      await fixture.close();
      await fixture.cleanup?.();
    });

    describe("saveSchedule and getSchedule", () => {
      it("stores every kind of trigger and returns the schedule as given", async () => {
        const once = schedule("once", { trigger: { kind: "once", at: 5_000 }, nextFireAt: 5_000 });
        const every = schedule("every", { trigger: { kind: "every", everyMs: 60_000 } });
        const cron = schedule("cron", {
          trigger: { kind: "cron", expression: "0 9 * * 1-5" },
          timezone: "Europe/Paris",
          input: { topic: "daily — résumé", limits: [1, 2] },
          metadata: { owner: "ops", nested: { a: [true] } },
          lastFireAt: 1_500,
          catchUp: true,
          paused: true,
        });
        for (const item of [once, every, cron]) await store.saveSchedule(item);
        expect(await store.getSchedule("once")).toEqual(once);
        expect(await store.getSchedule("every")).toEqual(every);
        expect(await store.getSchedule("cron")).toEqual(cron);
      });

      it("resolves undefined for an unknown schedule", async () => {
        expect(await store.getSchedule("nope")).toBeUndefined();
      });

      it("replaces every field when saving an existing id", async () => {
        await store.saveSchedule(
          schedule("s", { timezone: "UTC", lastFireAt: 9, input: { a: 1 } }),
        );
        const replacement = schedule("s", {
          target: "other",
          trigger: { kind: "every", everyMs: 5 },
        });
        await store.saveSchedule(replacement);
        expect(await store.getSchedule("s")).toEqual(replacement);
      });

      it("returns copies the caller cannot use to change the stored schedule", async () => {
        const saved = schedule("s");
        await store.saveSchedule(saved);
        saved.target = "changed-before-read";
        const read = await store.getSchedule("s");
        if (!read) throw new Error("schedule missing");
        read.paused = true;
        (read.trigger as { expression: string }).expression = "changed";
        expect(await store.getSchedule("s")).toEqual(schedule("s"));
      });

      it("rejects a schedule with an unknown trigger kind with a TypeError", async () => {
        const bad = { ...schedule("s"), trigger: { kind: "hourly" } } as unknown as ScheduleRecord;
        await expect(store.saveSchedule(bad)).rejects.toThrow(TypeError);
        expect(await store.getSchedule("s")).toBeUndefined();
      });
    });

    describe("listSchedules", () => {
      beforeEach(async () => {
        await store.saveSchedule(schedule("c", { nextFireAt: 300 }));
        await store.saveSchedule(schedule("a", { nextFireAt: 100, target: "report" }));
        await store.saveSchedule(schedule("done", { trigger: { kind: "once", at: 1 } }));
        await store.saveSchedule(
          schedule("b", { nextFireAt: 300, paused: true, target: "report" }),
        );
      });

      const ids = async (options?: Parameters<ScheduleStore["listSchedules"]>[0]) =>
        (await store.listSchedules(options)).map((s) => s.id);

      it("lists soonest first, ties by id, those with no next firing last", async () => {
        expect(await ids()).toEqual(["a", "b", "c", "done"]);
      });

      it("filters by paused, target and due time", async () => {
        expect(await ids({ paused: true })).toEqual(["b"]);
        expect(await ids({ paused: false })).toEqual(["a", "c", "done"]);
        expect(await ids({ target: "report" })).toEqual(["a", "b"]);
        expect(await ids({ dueAt: 299 })).toEqual(["a"]);
        expect(await ids({ dueAt: 300, paused: false })).toEqual(["a", "c"]);
      });

      it("keeps the first `limit` schedules", async () => {
        expect(await ids({ limit: 2 })).toEqual(["a", "b"]);
        expect(await ids({ limit: 0 })).toEqual([]);
      });
    });

    describe("deleteSchedule", () => {
      it("removes a schedule and says whether there was one", async () => {
        await store.saveSchedule(schedule("s"));
        expect(await store.deleteSchedule("s")).toBe(true);
        expect(await store.getSchedule("s")).toBeUndefined();
        expect(await store.deleteSchedule("s")).toBe(false);
        expect(await store.listSchedules()).toEqual([]);
      });
    });

    describe("updateSchedule", () => {
      beforeEach(async () => {
        await store.saveSchedule(
          schedule("s", { nextFireAt: 1_000, timezone: "UTC", metadata: { a: 1 } }),
        );
      });

      it("changes only the fields in the patch", async () => {
        expect(await store.updateSchedule("s", { paused: true, updatedAt: 20 })).toBe(true);
        expect(
          await store.updateSchedule("s", {
            lastFireAt: 1_000,
            nextFireAt: 2_000,
            input: { n: 2 },
          }),
        ).toBe(true);
        expect(await store.getSchedule("s")).toEqual({
          ...schedule("s", { nextFireAt: 2_000, timezone: "UTC", metadata: { a: 1 } }),
          paused: true,
          updatedAt: 20,
          lastFireAt: 1_000,
          input: { n: 2 },
        });
      });

      it("clears optional fields given null", async () => {
        await store.updateSchedule("s", { nextFireAt: null, timezone: null, metadata: null });
        const read = await store.getSchedule("s");
        expect(read?.nextFireAt).toBeUndefined();
        expect(read?.timezone).toBeUndefined();
        expect(read?.metadata).toBeUndefined();
      });

      it("replaces the trigger, target and catch-up setting", async () => {
        await store.updateSchedule("s", {
          trigger: { kind: "every", everyMs: 10 },
          target: "other",
          catchUp: true,
        });
        expect(await store.getSchedule("s")).toMatchObject({
          trigger: { kind: "every", everyMs: 10 },
          target: "other",
          catchUp: true,
        });
      });

      it("applies a conditional patch only while nextFireAt matches", async () => {
        expect(
          await store.updateSchedule("s", { nextFireAt: 2_000 }, { expectedNextFireAt: 999 }),
        ).toBe(false);
        expect((await store.getSchedule("s"))?.nextFireAt).toBe(1_000);
        expect(
          await store.updateSchedule(
            "s",
            { nextFireAt: null, lastFireAt: 1_000 },
            {
              expectedNextFireAt: 1_000,
            },
          ),
        ).toBe(true);
        expect(
          await store.updateSchedule("s", { paused: true }, { expectedNextFireAt: 1_000 }),
        ).toBe(false);
        expect(
          await store.updateSchedule("s", { paused: true }, { expectedNextFireAt: null }),
        ).toBe(true);
        expect(await store.getSchedule("s")).toMatchObject({ lastFireAt: 1_000, paused: true });
      });

      it("lets only one of many concurrent claims on a firing win", async () => {
        const results = await Promise.all(
          [1, 2, 3, 4, 5, 6].map((n) =>
            store.updateSchedule(
              "s",
              { nextFireAt: 2_000, lastFireAt: n },
              { expectedNextFireAt: 1_000 },
            ),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.getSchedule("s"))?.lastFireAt).toBe(results.indexOf(true) + 1);
      });

      it("lets only one claim win across two handles on the same data", async () => {
        const peer = await fixture.openPeer?.();
        if (!peer) return;
        peers.push(peer);
        const results = await Promise.all(
          [1, 2, 3, 4].map((n) =>
            (n % 2 ? store : peer.store).updateSchedule(
              "s",
              { nextFireAt: 2_000 },
              { expectedNextFireAt: 1_000 },
            ),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it("rejects a patch for an unknown schedule", async () => {
        const error = await store.updateSchedule("nope", { paused: true }).catch((e) => e);
        expect(BatonError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ name: "StoreError", code: "schedule-not-found" });
      });
    });
  });
}

function schedule(id: string, overrides: Partial<ScheduleRecord> = {}): ScheduleRecord {
  return {
    id,
    target: "flow",
    trigger: { kind: "cron", expression: "*/5 * * * *" },
    paused: false,
    catchUp: false,
    createdAt: 10,
    updatedAt: 10,
    ...overrides,
  };
}
