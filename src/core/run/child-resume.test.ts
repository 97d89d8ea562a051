import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import type { ManualClock } from "../../testing/manual-clock.js";
import type { LoggedEvent } from "../ports/run-store.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness, label } from "../test-support/harness.js";
import { TestStore } from "../test-support/test-store.js";
import type { Workflow } from "../workflow/workflow.js";
import { foldRunLog } from "./fold-run-log.js";

/** What survives a crash of the process: every run's record and log, as stored now. */
function survivingCopy(store: TestStore): TestStore {
  const copy = new TestStore();
  for (const [id, record] of store.runs) copy.runs.set(id, structuredClone(record));
  for (const [id, log] of store.logs) copy.logs.set(id, structuredClone(log));
  return copy;
}

/** A chain of `count` steps, each sleeping 10 ms and counting its executions. */
function chain(name: string, clock: ManualClock, count: number, runs: Map<string, number>) {
  const flow = workflow<number>(name);
  for (let index = 0; index < count; index++) {
    const id = `${name}${index}`;
    flow.step(
      id,
      async ({ input, results, signal }) => {
        runs.set(id, (runs.get(id) ?? 0) + 1);
        await clock.sleep(10, { signal });
        return (index === 0 ? input : (results[`${name}${index - 1}`] as number)) * 2 + 1;
      },
      index === 0 ? {} : { dependsOn: [`${name}${index - 1}`] },
    );
  }
  return flow;
}

function parentOf(sub: Workflow<number>) {
  return workflow<number>("parent")
    .step("prep", async ({ input }) => input + 1)
    .step("sub", sub, { dependsOn: ["prep"], input: ({ results }) => results.prep })
    .step("after", async ({ results }) => `out ${results.sub.output}`, { dependsOn: ["sub"] });
}

/** Crashes the run now (keeping what its store holds), and resumes it from that copy. */
async function crashAndResume(
  flow: Workflow<number>,
  first: { id: string; cancel(): void },
  { clock, store, ids }: ReturnType<typeof harness>,
) {
  const surviving = survivingCopy(store);
  first.cancel();
  await clock.runAll();
  const resumed = flow.start(0, {
    clock,
    ids,
    store: surviving,
    resumeFrom: foldRunLog(surviving.events(first.id), { runId: first.id }),
  });
  return { resumed, surviving };
}

describe("Resuming a run whose sub-workflow step was in flight", () => {
  it("re-attaches to the child run: its ended steps keep their outputs, only its in-flight step runs again", async () => {
    const setup = harness();
    const runs = new Map<string, number>();
    const flow = parentOf(chain("c", setup.clock, 6, runs));
    const first = flow.start(1, setup.options);
    await setup.clock.advance(35); // c0, c1, c2 ended; c3 in flight
    expect(runs.get("c3")).toBe(1);
    const { resumed, surviving } = await crashAndResume(flow, first, setup);
    await setup.clock.runAll();
    const result = await resumed.result;

    const reference = parentOf(chain("c", setup.clock, 6, new Map())).start(1, {
      clock: setup.clock,
      store: new TestStore(),
    });
    await setup.clock.runAll();
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe((await reference.result).output);
    expect(Object.fromEntries(runs)).toEqual({ c0: 1, c1: 1, c2: 1, c3: 2, c4: 1, c5: 1 });
    const children = await surviving.listRuns({ parentId: first.id });
    expect(children.map((child) => child.id)).toEqual([`${first.id}/sub`]);
    expect(children[0]!.status).toBe("succeeded");
    const childLog = surviving.events(`${first.id}/sub`).map(label);
    expect(childLog.filter((entry) => entry === "run-start")).toHaveLength(1);
    expect(childLog).toContain("run-resume");
    expect(childLog.filter((entry) => entry === "step-end:c0")).toHaveLength(1);
  });

  it("resumes nested child runs to any depth", async () => {
    const setup = harness();
    const runs = new Map<string, number>();
    const inner = chain("i", setup.clock, 4, runs);
    const middle = workflow<number>("middle")
      .step("m0", async ({ input }) => input + 1)
      .step("deep", inner, { dependsOn: ["m0"], input: ({ results }) => results.m0 })
      .step("m1", async ({ results }) => results.deep.output as number, { dependsOn: ["deep"] });
    const flow = workflow<number>("outer")
      .step("sub", middle)
      .step("end", async ({ results }) => results.sub.output, { dependsOn: ["sub"] });
    const first = flow.start(1, setup.options);
    await setup.clock.advance(25); // i0, i1 ended; i2 in flight
    const { resumed, surviving } = await crashAndResume(flow, first, setup);
    await setup.clock.runAll();
    const result = await resumed.result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe(((((1 + 1) * 2 + 1) * 2 + 1) * 2 + 1) * 2 + 1);
    expect(Object.fromEntries(runs)).toEqual({ i0: 1, i1: 1, i2: 2, i3: 1 });
    expect(surviving.runs.has(`${first.id}/sub/deep`)).toBe(true);
    expect([...surviving.runs.keys()].sort()).toEqual(
      [first.id, `${first.id}/sub`, `${first.id}/sub/deep`].sort(),
    );
  });

  it("takes an ended child run's result without running it, and bills its spend once", async () => {
    const setup = harness();
    const agent = fakeAgent("summarizer", { tokens: 40, cents: 2 });
    const sub = workflow<number>("child").step("summarize", agent);
    const flow = parentOf(sub as unknown as Workflow<number>);
    const run = flow.start(1, setup.options);
    await setup.clock.runAll();
    const complete = await run.result;
    // The process died after the child run ended, before the parent logged the step's end.
    const surviving = survivingCopy(setup.store);
    const log = surviving.logs.get(run.id)!;
    const cut = log.findIndex((event) => event.type === "step-end" && event.stepId === "sub");
    log.length = cut;
    surviving.runs.get(run.id)!.status = "running";
    const calls = agent.calls.length;
    const resumed = flow.start(0, {
      clock: setup.clock,
      ids: setup.ids,
      store: surviving,
      resumeFrom: foldRunLog(surviving.events(run.id), { runId: run.id }),
    });
    await setup.clock.runAll();
    const result = await resumed.result;
    expect(agent.calls.length).toBe(calls);
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe(complete.output);
    expect(result.usage).toEqual(complete.usage);
    expect(result.cost).toEqual(complete.cost);
  });

  it("carries a decision logged on a waiting child run over: the approval is not asked again", async () => {
    const setup = harness();
    let published = 0;
    const sub = workflow<number>("child")
      .step("draft", async ({ input }) => `draft ${input}`)
      .step(
        "publish",
        async ({ results }) => {
          published++;
          return `published ${results.draft}`;
        },
        { dependsOn: ["draft"], approval: { message: "Publish?" } },
      );
    const flow = workflow<number>("parent").step("sub", sub);
    const run = flow.start(1, setup.options);
    await setup.clock.runAll();
    expect((await run.result).status).toBe("waiting");
    const childId = `${run.id}/sub`;
    expect((await setup.store.getRun(childId))?.status).toBe("waiting");
    // Decided while no process runs the parent.
    const decision: LoggedEvent = {
      type: "approval-decision",
      at: setup.clock.now(),
      runId: childId,
      parentRunId: run.id,
      stepId: "publish",
      approved: true,
    };
    await setup.store.append(childId, [decision]);
    const resumed = flow.start(0, {
      ...setup.options,
      resumeFrom: foldRunLog(setup.store.events(run.id), { runId: run.id }),
    });
    await setup.clock.runAll();
    const result = await resumed.result;
    expect(result.status).toBe("succeeded");
    expect(published).toBe(1);
    const requests = setup.store
      .events(childId)
      .filter((event) => event.type === "approval-request");
    expect(requests).toHaveLength(1);
    expect((await setup.store.listRuns({ parentId: run.id })).map((child) => child.id)).toEqual([
      childId,
    ]);
  });
});

describe("Child run ids", () => {
  it("name the run, step, attempt and key: context.run keys, retries and loops get their own", async () => {
    const { clock, store, options } = harness();
    const leaf = workflow<number>("leaf").step("x", async ({ input }) => input);
    let failOnce = true;
    const flow = workflow<number>("ids")
      .step(
        "fn",
        async ({ run, input }) => {
          const first = await run(leaf, input);
          const second = await run(leaf, input + 1);
          const named = await run(leaf, input + 2, { key: "named/one" });
          if (failOnce) {
            failOnce = false;
            throw new Error("once");
          }
          return [first, second, named].map((result) => result.output);
        },
        { retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 0, retryOn: () => true } },
      )
      .step("looped", leaf, {
        loop: { until: ({ iteration }) => iteration >= 2, maxIterations: 3 },
        input: ({ iteration }) => iteration,
      });
    const run = flow.start(1, options);
    await clock.runAll();
    const ended = await run.result;
    expect(ended.error?.message).toBeUndefined();
    expect(ended.status).toBe("succeeded");
    const children = (await store.listRuns({ parentId: run.id })).map((child) => child.id).sort();
    expect(children).toEqual(
      [
        `${run.id}/fn/1`,
        `${run.id}/fn/2`,
        `${run.id}/fn/named%2Fone`,
        `${run.id}/fn#1.2/1`,
        `${run.id}/fn#1.2/2`,
        `${run.id}/fn#1.2/named%2Fone`,
        `${run.id}/looped`,
        `${run.id}/looped#2.1`,
      ].sort(),
    );
  });

  it("a resumed function step finds the child runs its runs started, by key", async () => {
    const setup = harness();
    const runs = new Map<string, number>();
    const slow = chain("s", setup.clock, 3, runs);
    const flow = workflow<number>("keyed").step("fn", async ({ run, input }) => {
      const [a, b] = await Promise.all([
        run(slow, input, { key: "a" }),
        run(slow, input + 1, { key: "b" }),
      ]);
      return [a.output, b.output];
    });
    const first = flow.start(1, setup.options);
    await setup.clock.advance(15); // s0 ended in both; s1 in flight in both
    const { resumed, surviving } = await crashAndResume(flow, first, setup);
    await setup.clock.runAll();
    const result = await resumed.result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toEqual([15, 23]);
    expect(Object.fromEntries(runs)).toEqual({ s0: 2, s1: 4, s2: 2 });
    expect(
      (await surviving.listRuns({ parentId: first.id })).map((child) => child.id).sort(),
    ).toEqual([`${first.id}/fn/a`, `${first.id}/fn/b`]);
  });
});
