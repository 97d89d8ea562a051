import { describe, expect, it } from "vitest";
import { sequentialIdGenerator } from "../engine/index.js";
import { agent } from "../index.js";
import { MemoryStore } from "../stores/memory/index.js";
import { ManualClock } from "../testing/index.js";
import { Orchestrator, type OrchestratorEvent, type Task } from "./index.js";
import { gate, scripted, text } from "./test-support.js";

function setup(maxParallelTasks = 4) {
  const store = new MemoryStore();
  const clock = new ManualClock(1_000);
  const orchestrator = new Orchestrator({
    mainAgent: { name: "lead", model: scripted("main", text("x")) },
    store,
    clock,
    ids: sequentialIdGenerator(),
    maxParallelTasks,
  });
  return { store, clock, orchestrator };
}

describe("Orchestrator tasks", () => {
  it("runs a submitted task as a workflow run and reports it on the task, its callback and status()", async () => {
    const { store, orchestrator } = setup();
    const model = scripted("echo", text("pong"));
    orchestrator.registerSubagent(agent({ name: "echo", model }));
    const ended: Task[] = [];
    const task = orchestrator.submit("echo", "ping", {
      metadata: { ticket: 7 },
      callback: (done) => ended.push(done),
    });
    expect(task).toMatchObject({ id: "task_1", agent: "echo", priority: 0, createdAt: 1_000 });
    expect(await orchestrator.getTask(task.id)).toBe(task);
    await task.done;
    expect(task.status).toBe("succeeded");
    expect(await orchestrator.status(task.id)).toBe("succeeded");
    expect(task.output).toBe("pong");
    expect(task.startedAt).toBe(1_000);
    expect(task.completedAt).toBe(1_000);
    expect(task.usage?.totalTokens).toBe(15);
    expect(ended).toEqual([task]);
    const run = await store.getRun(task.runId!);
    expect(run).toMatchObject({
      workflow: "task:echo",
      status: "succeeded",
      metadata: { task: "task_1", ticket: 7, taskOf: "orchestrator", agent: "echo", priority: 0 },
    });
    expect(run?.metadata?.orchestrator).toBeUndefined();
    expect(await orchestrator.status("task_404")).toBeUndefined();
  });

  it("starts the waiting task with the highest priority first when the queue is saturated", async () => {
    const { orchestrator } = setup(1);
    await orchestrator.ready;
    const hold = gate<void>();
    const started: string[] = [];
    orchestrator.on("task-start", (event) =>
      started.push((event as { task: Task }).task.input as string),
    );
    const model = scripted("worker", async (call) => {
      const prompt = JSON.stringify(call.prompt);
      if (prompt.includes("first")) await hold.promise;
      return text("ok");
    });
    orchestrator.registerSubagent(agent({ name: "worker", model }));
    const first = orchestrator.submit("worker", "first");
    const low = orchestrator.submit("worker", "low", { priority: 0 });
    const high = orchestrator.submit("worker", "high", { priority: 5 });
    const middle = orchestrator.submit("worker", "middle", { priority: 1 });
    const alsoHigh = orchestrator.submit("worker", "also-high", { priority: 5 });
    expect([first, low, high, middle].map((task) => task.status)).toEqual([
      "running",
      "queued",
      "queued",
      "queued",
    ]);
    hold.open();
    await Promise.all([first, low, high, middle, alsoHigh].map((task) => task.done));
    expect(started).toEqual(["first", "high", "also-high", "middle", "low"]);
  });

  it("emits task-end, task-error, engine events and custom events to on() handlers", async () => {
    const { orchestrator } = setup();
    orchestrator.registerSubagent(agent({ name: "good", model: scripted("good", text("fine")) }));
    orchestrator.registerSubagent(
      agent({ name: "bad", model: scripted("bad", new Error("broken")) }),
    );
    const seen: string[] = [];
    const all: OrchestratorEvent[] = [];
    orchestrator.on("task-end", (event) =>
      seen.push(`end:${(event as { task: Task }).task.agent}`),
    );
    orchestrator.on("task-error", (event) =>
      seen.push(`error:${(event as { task: Task }).task.agent}`),
    );
    orchestrator.on("workflow-end", (event) => seen.push(`workflow-end:${event.type}`));
    orchestrator.on("custom:progress", (event) =>
      seen.push(`custom:${JSON.stringify((event as { data?: unknown }).data)}`),
    );
    const off = orchestrator.on("*", (event) => all.push(event));
    const good = orchestrator.submit("good", "go");
    await good.done;
    const bad = orchestrator.submit("bad", "go");
    await bad.done;
    orchestrator.emit("custom:progress", { done: 2 });
    off();
    orchestrator.emit("custom:progress", { done: 3 });
    expect(seen).toEqual([
      "workflow-end:workflow-end",
      "end:good",
      "error:bad",
      'custom:{"done":2}',
      'custom:{"done":3}',
    ]);
    expect(bad.status).toBe("failed");
    expect(bad.error?.message).toContain("broken");
    expect(all.filter((event) => event.type === "custom:progress")).toHaveLength(1);
    expect(all.some((event) => event.type === "step-start")).toBe(true);
    expect(() => orchestrator.emit("progress" as never)).toThrow(/expected a type "custom:<name>"/);
    expect(() => orchestrator.on("task-end", "nope" as never)).toThrow(TypeError);
  });

  it("cancels a waiting task before it starts, and a running one through its signal", async () => {
    const { orchestrator, store } = setup(1);
    await orchestrator.ready;
    const called = gate();
    const model = scripted("slow", async (call) => {
      called.open();
      await new Promise<void>((_resolve, reject) =>
        call.abortSignal?.addEventListener("abort", () => reject(call.abortSignal?.reason)),
      );
      return text("never");
    });
    orchestrator.registerSubagent(agent({ name: "slow", model }));
    const controller = new AbortController();
    const running = orchestrator.submit("slow", "a", { signal: controller.signal });
    const waiting = orchestrator.submit("slow", "b");
    expect(await orchestrator.cancelTask(waiting.id)).toBe(true);
    expect(waiting.status).toBe("cancelled");
    expect((await store.getRun(waiting.id))?.status).toBe("cancelled");
    await called.promise;
    controller.abort();
    await running.done;
    expect(running.status).toBe("cancelled");
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(await orchestrator.cancelTask(running.id)).toBe(false);
  });

  it("takes only known event names in on(), custom:<name> ones, and *", () => {
    const { orchestrator } = setup();
    expect(() => orchestrator.on("task.completed" as never, () => {})).toThrow(
      /on: expected a known event type, "custom:<name>" or "\*", received "task.completed"; known types: run-start, .*task-end/,
    );
    expect(() => orchestrator.on("custom:" as never, () => {})).toThrow(TypeError);
    for (const type of ["step-end", "task-end", "custom:anything", "*"] as const) {
      expect(typeof orchestrator.on(type, () => {})).toBe("function");
    }
  });

  it("accepts an agent object and refuses unknown names and bad options", async () => {
    const { orchestrator } = setup();
    const outsider = agent({ name: "outsider", model: scripted("outsider", text("hi")) });
    const task = orchestrator.submit(outsider, [{ role: "user", content: "hello" }]);
    await task.done;
    expect(task.output).toBe("hi");
    expect(() => orchestrator.submit("ghost", "x")).toThrow(
      /expected a registered subagent's name/,
    );
    expect(() => orchestrator.submit(outsider, "x", { priority: Number.NaN })).toThrow(/priority/);
  });
});
