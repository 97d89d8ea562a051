import { afterEach, describe, expect, it } from "vitest";
import { OptionsError } from "../core/errors/options-error.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { ManualClock } from "../testing/manual-clock.js";
import type { DurableRun } from "./durable-run.js";
import type { Durable } from "./open-durable.js";
import { openDurable } from "./open-durable.js";
import { dyingStore, otherHandle } from "./test-support.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A run of workflow "once" in a fresh store, claimed by an owner that died ("orphan"). */
async function orphanedRun() {
  const clock = new ManualClock(100_000);
  const store = new MemoryStore();
  let count = 0;
  const flow = workflow("once").step("work", async () => {
    count++;
    return count;
  });
  await store.createRun({ id: "orphan", workflow: "once", status: "running", createdAt: 0 });
  await store.claimRun("orphan", "dead", { now: 0, staleBefore: 0 });
  return { clock, store, flow, runs: () => count };
}

describe("openDurable", () => {
  const open: Durable[] = [];
  const releases: (() => void)[] = [];
  afterEach(async () => {
    for (const release of releases.splice(0)) release();
    for (const durable of open.splice(0)) await durable.close();
  });

  async function durable(options: Parameters<typeof openDurable>[0]): Promise<Durable> {
    const instance = await openDurable(options);
    open.push(instance);
    return instance;
  }

  it("records its owner and renews the heartbeat on the clock while a run runs, then lets go", async () => {
    const clock = new ManualClock(5_000);
    const store = new MemoryStore();
    const hold = deferred();
    releases.push(hold.resolve);
    const flow = workflow("hold").step("wait", () => hold.promise.then(() => "ok"));
    const worker = await durable({ store, owner: "w1", clock, staleAfterMs: 9_000 });
    const run = worker.start(flow, undefined);
    await clock.flush();
    expect(await store.getRun(run.id)).toMatchObject({ owner: "w1", heartbeatAt: 5_000 });
    await clock.advance(3_000);
    expect((await store.getRun(run.id))?.heartbeatAt).toBe(8_000);
    await clock.advance(3_000);
    expect((await store.getRun(run.id))?.heartbeatAt).toBe(11_000);
    hold.resolve();
    expect((await run.result).status).toBe("succeeded");
    expect((await store.getRun(run.id))?.owner).toBeUndefined();
  });

  it("picks up runs whose owner is gone, but not those of a live owner", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryStore();
    const hold = deferred();
    releases.push(hold.resolve);
    let attempts = 0;
    const flow = workflow("job")
      .step("first", () => "one")
      .step(
        "second",
        async () => {
          attempts++;
          if (attempts === 1) await hold.promise;
          return "two";
        },
        { dependsOn: ["first"] },
      );
    const registry = { job: flow };
    const dying = dyingStore(store);
    // Not closed at the end: its run hangs on the dead store forever, as in a dead process.
    const crashed = await openDurable({
      store: dying.store,
      workflows: registry,
      owner: "a",
      clock,
    });
    const victim = crashed.start(flow, undefined);
    const alive = await durable({ store, workflows: registry, owner: "b", clock });
    const healthy = alive.start(
      workflow("quick").step("x", () => hold.promise.then(() => 1)),
      undefined,
    );
    await clock.flush();
    dying.kill(); // worker a dies with "second" in flight

    const resumed: DurableRun[] = [];
    await durable({
      store: otherHandle(store),
      workflows: registry,
      owner: "c",
      clock,
      autoResume: true,
      pollMs: 5_000,
      onResume: (run) => resumed.push(run),
    });
    await clock.advance(5_000);
    expect(resumed).toEqual([]); // a's heartbeat is 5 s old: not stale yet
    await clock.advance(30_000);
    expect(resumed.map((run) => run.id)).toEqual([victim.id]);
    expect(resumed.map((run) => run.id)).not.toContain(healthy.id);
    const result = await resumed[0]!.result;
    expect(result.status).toBe("succeeded");
    expect(result.steps.first!.attempts).toBe(1);
    expect(result.steps.second!.attempts).toBe(2);
  });

  it("never lets two owners take the same abandoned run", async () => {
    const { clock, store, flow, runs } = await orphanedRun();
    const options = { workflows: { once: flow }, clock, staleAfterMs: 30_000 };
    const [left, right] = await Promise.all([
      durable({ ...options, store: otherHandle(store), owner: "left" }),
      durable({ ...options, store: otherHandle(store), owner: "right" }),
    ]);
    const [fromLeft, fromRight] = await Promise.all([left.recover(), right.recover()]);
    expect(fromLeft.length + fromRight.length).toBe(1);
    const [run] = [...fromLeft, ...fromRight];
    expect((await run!.result).status).toBe("succeeded");
    expect(runs()).toBe(1);
  });

  it("resumes a run once when asked twice at once: one execution, the same run", async () => {
    const { clock, store, flow, runs } = await orphanedRun();
    const instance = await durable({ store, workflows: { once: flow }, owner: "me", clock });
    const [first, second] = await Promise.all([
      instance.resume("orphan"),
      instance.resume("orphan"),
    ]);
    expect(second).toBe(first);
    expect((await first.result).status).toBe("succeeded");
    expect(runs()).toBe(1);
    const log = await store.readLog("orphan");
    expect(log.filter((event) => event.type === "run-resume")).toHaveLength(1);
  });

  it("takes back its own runs at once after a restart under the same owner id", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryStore();
    const flow = workflow("mine").step("work", () => "done");
    await store.createRun({ id: "r1", workflow: "mine", status: "running", createdAt: 0 });
    await store.claimRun("r1", "worker-7", { now: 0, staleBefore: 0 });
    const restarted = await durable({ store, workflows: { mine: flow }, owner: "worker-7", clock });
    const [run] = await restarted.recover();
    expect(run?.id).toBe("r1");
    expect((await run!.result).output).toBe("done");
  });

  it("stops writing a run another owner took over, without touching the new owner's log", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryStore();
    const hold = deferred();
    releases.push(hold.resolve);
    const flow = workflow("contested")
      .step("slow", () => hold.promise.then(() => "late"))
      .step("after", () => "never", { dependsOn: ["slow"] });
    const first = await durable({
      store,
      owner: "first",
      clock,
      staleAfterMs: 10_000,
      heartbeatMs: 3_000,
    });
    const run = first.start(flow, undefined);
    await clock.flush();
    // Someone takes the run (as if first's heartbeats had stopped): first notices at its next beat.
    await store.claimRun(run.id, "second", { now: 0, staleBefore: Number.MAX_SAFE_INTEGER });
    await clock.advance(3_000);
    hold.resolve();
    const result = await run.result;
    expect(result.status).toBe("failed");
    const log = await store.readLog(run.id);
    expect(log.some((event) => event.stepId === "after")).toBe(false);
    expect((await store.getRun(run.id))?.owner).toBe("second");
  });

  it("rejects bad options with one OptionsError: every problem with its path, unknown ones with a did-you-mean", async () => {
    await expect(openDurable({ store: new MemoryStore(), staleAfterMs: -1 })).rejects.toThrow(
      /staleAfterMs: expected a number of ms > 0, received -1/,
    );
    const error = await openDurable({
      store: 42,
      pollMs: 0,
      workflows: { x: 3 },
      autoResum: true,
    } as never).catch((error: unknown) => error);
    if (!OptionsError.isInstance(error)) throw error;
    expect(error.where).toBe("openDurable()");
    expect(error.issues).toEqual([
      { path: "workflows.x", message: "expected a workflow or an agent, received 3" },
      {
        path: "store",
        message:
          'expected a RunStore or a location ("sqlite:<path>", "postgres://…", "memory:", a file path), received 42',
      },
      { path: "pollMs", message: "expected a number of ms > 0, received 0" },
      { path: "autoResum", message: 'unknown option "autoResum" (did you mean "autoResume"?)' },
    ]);
    await expect(
      openDurable({ store: new MemoryStore(), staleAfterMs: 1_000, heartbeatMs: 2_000 }),
    ).rejects.toThrow(
      "heartbeatMs: expected a number of ms below staleAfterMs (1000), or every owner would look gone",
    );
  });
});
