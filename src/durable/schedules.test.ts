import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OptionsError } from "../core/errors/options-error.js";
import { sequentialIdGenerator } from "../core/ports/id-generator.js";
import { disagreements } from "../core/test-support/rule-agreement.js";
import { workflow } from "../runtime/workflow.js";
import { buildWorkflow } from "../spec/build-workflow.js";
import { parseSpec } from "../spec/parse-spec.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { SqliteStore } from "../stores/sqlite/sqlite-store.js";
import { ManualClock } from "../testing/manual-clock.js";
import { DurableError } from "./durable-error.js";
import {
  listSchedulesOptionsRule,
  scheduleOptionsRule,
  scheduleStoreOptionsRule,
} from "./schedule-options-rules.js";
import type { Scheduler } from "./scheduler.js";
import { type ScheduleFire, startScheduler } from "./scheduler.js";
import {
  listSchedules,
  pauseSchedule,
  removeSchedule,
  resumeSchedule,
  schedule,
} from "./schedules.js";
import { tempDir } from "./test-support.js";

const monday9Paris = Date.UTC(2026, 0, 5, 8, 0); // 09:00 in Paris (CET) on Monday 5 January 2026

function countingFlow(seen: unknown[]) {
  return workflow("digest").step("send", ({ input }) => {
    seen.push(input);
    return `sent ${JSON.stringify(input)}`;
  });
}

describe("Schedules", () => {
  const schedulers: Scheduler[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    for (const scheduler of schedulers.splice(0)) await scheduler.stop();
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  async function scheduler(options: Parameters<typeof startScheduler>[0]): Promise<Scheduler> {
    const started = await startScheduler(options);
    schedulers.push(started);
    return started;
  }

  it("stores schedules with their next firings, and pauses, resumes and removes them", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0));
    const store = new MemoryStore();
    const options = { store, clock, ids: sequentialIdGenerator() };
    const weekly = await schedule(
      { workflow: "digest", cron: "0 9 * * MON", timezone: "Europe/Paris", input: { team: "a" } },
      options,
    );
    expect(weekly).toMatchObject({
      id: "schedule_1",
      target: "digest",
      kind: "workflow",
      trigger: { kind: "cron", expression: "0 9 * * MON" },
      timezone: "Europe/Paris",
      nextFireAt: monday9Paris,
      catchUp: "skip",
      paused: false,
    });
    await schedule({ agent: "helper", every: 60_000, catchUp: "run-once" }, options);
    await schedule(
      { id: "launch", workflow: "digest", once: new Date(Date.UTC(2026, 5, 1)) },
      options,
    );

    const listed = await listSchedules({ ...options, upcoming: 3 });
    expect(listed.map((item) => [item.id, item.nextFireAt])).toEqual([
      ["schedule_2", clock.now() + 60_000],
      ["schedule_1", monday9Paris],
      ["launch", Date.UTC(2026, 5, 1)],
    ]);
    expect(listed[1]!.upcoming).toEqual([
      monday9Paris,
      monday9Paris + 7 * 86_400_000,
      monday9Paris + 14 * 86_400_000,
    ]);
    expect(listed[0]).toMatchObject({ kind: "agent", catchUp: "run-once" });

    expect((await pauseSchedule("schedule_2", options)).paused).toBe(true);
    expect((await listSchedules({ ...options, paused: true })).map((item) => item.id)).toEqual([
      "schedule_2",
    ]);
    // A day later: resuming does not make up the slots passed while paused.
    await clock.advance(86_400_000);
    const resumed = await resumeSchedule("schedule_2", options);
    expect(resumed.paused).toBe(false);
    expect(resumed.nextFireAt).toBe(clock.now() + 60_000);
    expect(await removeSchedule("launch", options)).toBe(true);
    expect(await removeSchedule("launch", options)).toBe(false);
    await expect(pauseSchedule("launch", options)).rejects.toSatisfy(
      (error) => DurableError.isInstance(error) && error.code === "schedule-not-found",
    );
  });

  it("rejects schedules that say too little or too much with one OptionsError, every problem with its path", async () => {
    const store = new MemoryStore();
    const refused = async (run: () => Promise<unknown>) => {
      const error = await run().catch((caught: unknown) => caught);
      if (!OptionsError.isInstance(error)) throw error;
      return error;
    };
    const neither = await refused(() => schedule({ every: 0, catchUp: "all" as never }, { store }));
    expect(neither.where).toBe("schedule()");
    expect(neither.issues).toEqual([
      { path: "every", message: "expected a whole number of ms > 0, received 0" },
      { path: "catchUp", message: 'expected "skip" or "run-once", received "all"' },
    ]);
    const both = await refused(() =>
      schedule({ workflow: "x", agent: "y", once: 1, cron: "* * * * *", startAt: 5 }, { store }),
    );
    expect(both.issues).toEqual([
      {
        path: "agent",
        message: 'expected exactly one of workflow and agent: workflow is given too, received "y"',
      },
      {
        path: "cron",
        message:
          'expected exactly one of once, every and cron: once is given too, received "* * * * *"',
      },
      { path: "startAt", message: "startAt goes with every only, received 5" },
    ]);
    expect((await refused(() => schedule({ workflow: "x" }, { store }))).issues).toEqual([
      { path: "", message: "expected exactly one of once, every and cron" },
    ]);
    const badCron = await refused(() => schedule({ workflow: "x", cron: "every day" }, { store }));
    expect(badCron.issues[0]?.path).toBe("cron");
    expect(badCron.issues[0]?.message).toMatch(/^expected a cron expression valid: /);
    const badZone = await refused(() =>
      schedule({ workflow: "x", cron: "0 9 * * *", timezone: "Mars/Olympus" }, { store }),
    );
    expect(badZone.issues).toEqual([
      {
        path: "timezone",
        message: 'expected an IANA time zone name ("Europe/Paris"), received "Mars/Olympus"',
      },
    ]);
    const typo = await refused(() => schedule({ workflow: "x", evrey: 5 } as never, { store }));
    expect(typo.issues).toContainEqual({
      path: "evrey",
      message: 'unknown option "evrey" (did you mean "every"?)',
    });
    const listed = await refused(() =>
      listSchedules({ store, upcoming: -1, paused: "no" } as never),
    );
    expect(String(listed)).toContain(
      'Invalid options for listSchedules() (2 problems):\n  paused: expected true or false, received "no"\n  upcoming: expected an integer >= 0, received -1',
    );
    const paused = await refused(() => pauseSchedule("launch", { stor: store } as never));
    expect(paused.issues).toEqual([
      { path: "stor", message: 'unknown option "stor" (did you mean "store"?)' },
    ]);
    expect(await listSchedules({ store })).toEqual([]);
  });

  it("checks schedule options with rules whose plain tests and zod schemas agree", () => {
    for (const rule of [scheduleOptionsRule, scheduleStoreOptionsRule, listSchedulesOptionsRule]) {
      expect(disagreements(rule)).toEqual([]);
    }
  });

  it("starts each due run on the clock, with the schedule's input, and moves the schedule on", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryStore();
    const seen: unknown[] = [];
    const fires: ScheduleFire[] = [];
    await schedule(
      { id: "s", workflow: "digest", every: 1_000, input: { n: 1 } },
      { store, clock },
    );
    await schedule({ id: "o", workflow: "digest", once: 2_500, input: "once" }, { store, clock });
    await scheduler({
      store,
      clock,
      workflows: { digest: countingFlow(seen) },
      pollMs: 10_000,
      onFire: (fire) => fires.push(fire),
    });
    await clock.advance(999);
    expect(fires).toEqual([]);
    await clock.advance(1);
    expect(fires.map((fire) => [fire.scheduleId, fire.slot])).toEqual([["s", 1_000]]);
    await clock.advance(2_000);
    expect(fires.map((fire) => [fire.scheduleId, fire.slot])).toEqual([
      ["s", 1_000],
      ["s", 2_000],
      ["o", 2_500],
      ["s", 3_000],
    ]);
    const results = await Promise.all(fires.map((fire) => fire.run!.result));
    expect(results.map((result) => result.status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
    expect(seen).toEqual([{ n: 1 }, { n: 1 }, "once", { n: 1 }]);
    const [every, once] = [
      await store.schedules.getSchedule("s"),
      await store.schedules.getSchedule("o"),
    ];
    expect(every).toMatchObject({ nextFireAt: 4_000, lastFireAt: 3_000 });
    expect(once?.nextFireAt).toBeUndefined();
    const runs = await store.listRuns();
    expect(runs.map((run) => run.metadata?.scheduleId).sort()).toEqual(["o", "s", "s", "s"]);
  });

  it("after downtime, skips missed firings or runs once for them, as each schedule says", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryStore();
    const seen: unknown[] = [];
    await schedule(
      { id: "skip", workflow: "digest", every: 60_000, input: "skip" },
      { store, clock },
    );
    await schedule(
      { id: "catch", workflow: "digest", every: 60_000, input: "catch", catchUp: "run-once" },
      { store, clock },
    );
    // No scheduler ran for five minutes: five slots of each were missed.
    await clock.advance(5 * 60_000 + 30_000);
    const fires: ScheduleFire[] = [];
    await scheduler({
      store,
      clock,
      workflows: { digest: countingFlow(seen) },
      onFire: (fire) => fires.push(fire),
    });
    await clock.flush();
    expect(fires.map((fire) => [fire.scheduleId, fire.missed, fire.run !== undefined])).toEqual([
      ["catch", true, true],
      ["skip", true, false],
    ]);
    await fires[0]!.run!.result;
    expect(seen).toEqual(["catch"]);
    expect((await store.schedules.getSchedule("skip"))?.nextFireAt).toBe(6 * 60_000);
    expect((await store.schedules.getSchedule("catch"))?.nextFireAt).toBe(6 * 60_000);
    // From then on, both fire on time.
    await clock.advance(30_000);
    await Promise.all(fires.slice(2).map((fire) => fire.run?.result));
    expect(fires.slice(2).map((fire) => [fire.scheduleId, fire.missed])).toEqual([
      ["catch", false],
      ["skip", false],
    ]);
  });

  it("never fires one slot twice, with two schedulers on one file", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, "baton.db");
    const clock = new ManualClock(0);
    const seen: unknown[] = [];
    const options = { clock, workflows: { digest: countingFlow(seen) }, pollMs: 3_600_000 };
    const one = await scheduler({ ...options, store: new SqliteStore({ path }), owner: "one" });
    const two = await scheduler({ ...options, store: new SqliteStore({ path }), owner: "two" });
    await clock.flush(); // both loops looked (nothing due) and sleep for an hour
    await schedule({ id: "s", workflow: "digest", every: 1_000 }, { store: path, clock });
    const fires: ScheduleFire[] = [];
    for (let slot = 1; slot <= 5; slot++) {
      await clock.advance(1_000);
      // Both see the slot due at the same moment; only one may fire it.
      const [fromOne, fromTwo] = await Promise.all([one.tick(), two.tick()]);
      expect(fromOne.length + fromTwo.length).toBe(1);
      fires.push(...fromOne, ...fromTwo);
    }
    await Promise.all(fires.map((fire) => fire.run?.result));
    expect(fires.map((fire) => fire.slot)).toEqual([1_000, 2_000, 3_000, 4_000, 5_000]);
    expect(seen).toHaveLength(5);
    const reader = new SqliteStore({ path, readOnly: true });
    const runs = await reader.listRuns();
    await reader.close();
    expect(runs.map((run) => run.metadata?.scheduledFor).sort()).toEqual([
      1_000, 2_000, 3_000, 4_000, 5_000,
    ]);
  });

  it("starts an agent's runs and reports a schedule whose workflow it does not know, once", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryStore();
    const helper = {
      kind: "agent" as const,
      name: "helper",
      execute: async (input: unknown) => {
        const usage = {
          inputTokens: 0,
          outputTokens: 0,
          cachedInputTokens: 0,
          reasoningTokens: 0,
          totalTokens: 0,
        };
        const cost = { modelCents: 0, toolCents: 0, totalCents: 0, unpricedModels: [] };
        const output = { text: `helped with ${String(input)}`, usage, cost };
        return { status: "succeeded" as const, output, usage, cost };
      },
    };
    await schedule({ id: "a", agent: "helper", once: 100, input: "tea" }, { store, clock });
    await schedule({ id: "w", workflow: "ghost", once: 100 }, { store, clock });
    const errors: string[] = [];
    const fires: ScheduleFire[] = [];
    await scheduler({
      store,
      clock,
      workflows: { helper },
      pollMs: 50,
      onFire: (fire) => fires.push(fire),
      onError: (error, id) => errors.push(`${id}: ${(error as Error).message}`),
    });
    await clock.advance(300);
    expect(fires.map((fire) => fire.scheduleId)).toEqual(["a"]);
    const result = await fires[0]!.run!.result;
    expect((result.output as { text: string }).text).toBe("helped with tea");
    expect(errors).toEqual([
      'w: Schedule w starts workflow "ghost", which is neither in options.workflows nor a stored spec',
    ]);
    expect((await store.schedules.getSchedule("w"))?.nextFireAt).toBe(100); // left due until it can run
  });

  it("runs a scheduled spec workflow from the spec it stored, with no registry", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryStore();
    const spec = parseSpec(`
name: haiku
agents:
  poet: { model: "simulated:poet" }
steps:
  - id: write
    agent: poet
    input: "A haiku about {{input.topic}}"
`);
    await schedule(
      { id: "poem", workflow: buildWorkflow(spec), once: 10, input: { topic: "rain" } },
      { store, clock },
    );
    const fires: ScheduleFire[] = [];
    await scheduler({ store, clock, pollMs: 5, onFire: (fire) => fires.push(fire) });
    await clock.advance(10);
    expect(fires).toHaveLength(1);
    const result = await fires[0]!.run!.result;
    expect(result.status).toBe("succeeded");
    expect((await store.getRun(result.runId))?.definition).toEqual({ kind: "spec", spec });
  });

  it("fires on real time too (one short, bounded run)", async () => {
    const store = new MemoryStore();
    const seen: unknown[] = [];
    const fires: ScheduleFire[] = [];
    await schedule({ id: "fast", workflow: "digest", every: 40, input: "tick" }, { store });
    const running = await scheduler({
      store,
      workflows: { digest: countingFlow(seen) },
      pollMs: 20,
      onFire: (fire) => fires.push(fire),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await running.stop();
    const results = await Promise.all(fires.map((fire) => fire.run!.result));
    expect(fires.length).toBeGreaterThanOrEqual(2);
    expect(results.every((result) => result.status === "succeeded")).toBe(true);
    const slots = fires.map((fire) => fire.slot);
    expect(new Set(slots).size).toBe(slots.length);
    for (let index = 1; index < slots.length; index++) {
      expect((slots[index]! - slots[0]!) % 40).toBe(0);
    }
    expect(seen.length).toBe(fires.length);
  });
});
