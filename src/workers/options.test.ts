import { describe, expect, it } from "vitest";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { queueDispatcher } from "./queue-dispatcher.js";
import { worker } from "./worker.js";

const flow = workflow("one").step("a", () => 1);

describe("queueDispatcher and worker options", () => {
  it("refuse a queue that is not a Redis URL, naming what arrived", async () => {
    expect(() => queueDispatcher({ queue: "http://127.0.0.1:6379" })).toThrow(
      'queueDispatcher: expected options.queue to be a redis:// or rediss:// URL, received "http://127.0.0.1:6379"',
    );
    await expect(
      worker({ queue: undefined as never, store: new MemoryStore(), workflows: { flow } }),
    ).rejects.toThrow(
      "worker: expected options.queue to be a redis:// or rediss:// URL, received nothing",
    );
  });

  it("refuse bad numbers, prefixes and registries", async () => {
    const queue = "redis://127.0.0.1:9";
    expect(() => queueDispatcher({ queue, batchSize: 0 })).toThrow(
      "queueDispatcher: expected options.batchSize to be an integer >= 1, received 0",
    );
    expect(() => queueDispatcher({ queue, prefix: "a:b" })).toThrow(
      'queueDispatcher: expected options.prefix to be a non-empty string without ":", received a:b',
    );
    expect(() => queueDispatcher({ queue, pollMs: -1 })).toThrow(
      "queueDispatcher: expected options.pollMs to be a number of ms > 0, received -1",
    );
    const store = new MemoryStore();
    await expect(worker({ queue, store, workflows: { flow }, concurrency: 1.5 })).rejects.toThrow(
      "worker: expected options.concurrency to be an integer >= 1, received 1.5",
    );
    await expect(worker({ queue, store, workflows: { flow }, lockMs: 0 })).rejects.toThrow(
      "worker: expected options.lockMs to be a number of ms > 0, received 0",
    );
    await expect(worker({ queue, store, workflows: {} })).rejects.toThrow(
      "worker: expected options.workflows to name at least one workflow or agent",
    );
    await expect(worker({ queue, store, workflows: { flow: "report" as never } })).rejects.toThrow(
      'Invalid options for worker() (1 problem):\n  workflows.flow: expected a workflow or an agent, received "report"',
    );
  });
});
