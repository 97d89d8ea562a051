import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { foldRunLog } from "../core/run/fold-run-log.js";
import { workflow } from "../runtime/workflow.js";
import { buildWorkflow } from "../spec/build-workflow.js";
import { parseSpec } from "../spec/parse-spec.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { SqliteStore } from "../stores/sqlite/sqlite-store.js";
import { StoreError } from "../stores/store-error.js";
import { ManualClock } from "../testing/manual-clock.js";
import { DurableError } from "./durable-error.js";
import { openDurable } from "./open-durable.js";
import { resume } from "./resume.js";
import { afterStepEnd, dyingStore, tempDir } from "./test-support.js";

function countingChain() {
  const calls: string[] = [];
  const flow = workflow<number>("chain")
    .step("a", async ({ input }) => {
      calls.push("a");
      return input + 1;
    })
    .step(
      "b",
      async ({ results }) => {
        calls.push("b");
        return results.a * 10;
      },
      { dependsOn: ["a"] },
    )
    .step(
      "c",
      async ({ results }) => {
        calls.push("c");
        return results.b + 1;
      },
      { dependsOn: ["b"] },
    );
  return { flow, calls };
}

describe("resume", () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function dbPath(): string {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    return join(dir, "baton.db");
  }

  it("finishes a run whose process died mid-step: ended steps keep their outputs, the step in flight runs again", async () => {
    const path = dbPath();
    const { flow, calls } = countingChain();
    // The first "process": its store stops writing after two appends (a ended, b started).
    const first = new SqliteStore({ path });
    cleanups.push(() => first.close());
    const doomed = flow.start(1, { store: dyingStore(first, afterStepEnd("a")).store });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toEqual(["a", "b"]);
    const before = foldRunLog(await first.readLog(doomed.id));
    expect(before.steps.a).toMatchObject({ status: "succeeded", output: 2 });
    expect(before.steps.b!.status).toBe("running");

    // A second process resumes from the file alone.
    calls.length = 0;
    const run = await resume(doomed.id, { store: path, workflows: { chain: flow } });
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe(21);
    expect(calls).toEqual(["b", "c"]);
    const reader = new SqliteStore({ path, readOnly: true });
    cleanups.push(() => reader.close());
    const log = await reader.readLog(doomed.id);
    expect(log.filter((event) => event.type === "step-end").map((event) => event.stepId)).toEqual([
      "a",
      "b",
      "c",
    ]);
    expect(await reader.getRun(doomed.id)).toMatchObject({ status: "succeeded", output: 21 });
    expect((await reader.getRun(doomed.id))?.owner).toBeUndefined();
  });

  it("refuses a run whose owner is alive, and takes it over once the owner's heartbeat is stale", async () => {
    const clock = new ManualClock(1_000_000);
    const inner = new MemoryStore();
    const worker = dyingStore(inner);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runs = 0;
    const flow = workflow("slow").step("wait", async () => {
      runs++;
      if (runs === 1) await gate;
      return "done";
    });
    const owner = await openDurable({
      store: worker.store,
      workflows: { slow: flow },
      owner: "worker-a",
      clock,
      staleAfterMs: 30_000,
    });
    const live = owner.start(flow, undefined);
    await clock.advance(10_000);
    expect((await inner.getRun(live.id))?.owner).toBe("worker-a");
    expect((await inner.getRun(live.id))?.heartbeatAt).toBe(1_010_000);

    const refused = resume(live.id, {
      store: inner,
      workflows: { slow: flow },
      owner: "worker-b",
      clock,
    });
    await expect(refused).rejects.toSatisfy(
      (error) => DurableError.isInstance(error) && error.code === "run-owned",
    );
    await expect(refused).rejects.toThrow(/owned by worker-a \(last heartbeat 0 ms ago\)/);

    // worker-a dies: no more heartbeats (nor writes).
    worker.kill();
    await clock.advance(31_000);
    const taken = await resume(live.id, {
      store: inner,
      workflows: { slow: flow },
      owner: "worker-b",
      clock,
    });
    expect(taken.owner).toBe("worker-b");
    const result = await taken.result;
    expect(result.status).toBe("succeeded");
    expect(runs).toBe(2);
    release();
  });

  it("rebuilds a spec run from the definition it stored, with no registry", async () => {
    const path = dbPath();
    const spec = parseSpec(`
name: notes
agents:
  writer: { model: "simulated:writer" }
steps:
  - id: outline
    agent: writer
    input: "Outline {{input.topic}}"
  - id: draft
    agent: writer
    dependsOn: outline
`);
    const flow = buildWorkflow(spec);
    const uninterrupted = await flow.start({ topic: "tides" }, { store: new MemoryStore() }).result;
    expect(uninterrupted.status).toBe("succeeded");

    const first = new SqliteStore({ path });
    cleanups.push(() => first.close());
    const doomed = flow.start(
      { topic: "tides" },
      { store: dyingStore(first, afterStepEnd("outline")).store },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(foldRunLog(await first.readLog(doomed.id)).steps.outline!.status).toBe("succeeded");

    const run = await resume(doomed.id, { store: path });
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toEqual(uninterrupted.output);
  });

  it("starts from the beginning a run that died before logging anything", async () => {
    const store = new MemoryStore();
    const { flow, calls } = countingChain();
    await store.createRun({
      id: "r1",
      workflow: "chain",
      status: "running",
      createdAt: 0,
      input: 4,
    });
    const result = await (await resume("r1", { store, workflows: { chain: flow } })).result;
    expect(result.output).toBe(51);
    expect(calls).toEqual(["a", "b", "c"]);
    expect(foldRunLog(await store.readLog("r1")).input).toBe(4);
  });

  it("returns a run that had already ended as it ended, running nothing", async () => {
    const store = new MemoryStore();
    const { flow, calls } = countingChain();
    const done = await flow.start(1, { store }).result;
    calls.length = 0;
    const again = await resume(done.runId, { store, workflows: { chain: flow } });
    const result = await again.result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe(21);
    expect(calls).toEqual([]);
    const types: string[] = [];
    for await (const event of again.events) types.push(event.type);
    expect(types.at(-1)).toBe("run-end");
  });

  it("names what is missing: the run, or its workflow (listing the registered ones)", async () => {
    const store = new MemoryStore();
    await expect(resume("nope", { store })).rejects.toSatisfy(
      (error) => DurableError.isInstance(error) && error.code === "run-not-found",
    );
    const { flow } = countingChain();
    const done = await flow.start(1, { store }).result;
    await expect(
      resume(done.runId, { store, workflows: { other: workflow("other").step("x", () => 1) } }),
    ).rejects.toThrow(/workflow "chain".*registered: other/);
  });

  it("refuses a damaged or truncated store file and one from a newer version, leaving the file as it was", async () => {
    const garbage = dbPath();
    writeFileSync(garbage, "this is not a database at all, just some bytes ".repeat(200));
    const bytes = readFileSync(garbage);
    await expect(resume("r1", { store: garbage })).rejects.toSatisfy(
      (error) => StoreError.isInstance(error) && error.code === "corrupt",
    );
    expect(readFileSync(garbage).equals(bytes)).toBe(true);

    const truncated = dbPath();
    const seeded = new SqliteStore({ path: truncated });
    const { flow } = countingChain();
    for (let index = 0; index < 20; index++) await flow.start(index, { store: seeded }).result;
    await seeded.close();
    const whole = readFileSync(truncated);
    writeFileSync(truncated, whole.subarray(0, whole.length - 4096));
    const cut = readFileSync(truncated);
    await expect(resume("r1", { store: truncated })).rejects.toThrow(/truncated/);
    expect(readFileSync(truncated).equals(cut)).toBe(true);

    const newer = dbPath();
    await new SqliteStore({ path: newer }).close();
    const db = new DatabaseSync(newer);
    db.exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    db.close();
    await expect(resume("r1", { store: newer })).rejects.toSatisfy(
      (error) => StoreError.isInstance(error) && error.code === "unsupported-schema",
    );
    await expect(resume("r1", { store: newer })).rejects.toThrow(/newer Baton \(schema version 99/);
  });
});
