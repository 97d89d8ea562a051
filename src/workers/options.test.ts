import { describe, expect, it } from "vitest";
import { disagreements } from "../core/test-support/rule-agreement.js";
import { optionsErrorThrownBy } from "../core/test-support/thrown-by.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { queueDispatcher } from "./queue-dispatcher.js";
import { worker } from "./worker.js";
import { queueDispatcherOptionsRule, workerOptionsRule } from "./worker-options-rules.js";

const flow = workflow("one").step("a", () => 1);
const queue = "redis://127.0.0.1:9";

async function refusedWorker(options: unknown) {
  const error = await worker(options as never).catch((caught: unknown) => caught);
  return optionsErrorThrownBy(() => {
    throw error;
  });
}

describe("queueDispatcher and worker options", () => {
  it("are checked by rules whose plain tests and zod schemas agree", () => {
    expect(disagreements(workerOptionsRule)).toEqual([]);
    expect(disagreements(queueDispatcherOptionsRule)).toEqual([]);
  });

  it("queueDispatcher(): every problem at once with its path, unknown options with a did-you-mean", () => {
    const refused = optionsErrorThrownBy(() =>
      queueDispatcher({
        queue: "http://127.0.0.1:6379",
        prefix: "a:b",
        batchSize: 0,
        pollMs: -1,
        batchSise: 4,
      } as never),
    );
    expect(refused.where).toBe("queueDispatcher()");
    expect(refused.issues).toEqual([
      {
        path: "queue",
        message: 'expected a redis:// or rediss:// URL, received "http://127.0.0.1:6379"',
      },
      { path: "prefix", message: 'expected a non-empty string without ":", received "a:b"' },
      { path: "batchSize", message: "expected an integer >= 1, received 0" },
      { path: "pollMs", message: "expected a number of ms > 0, received -1" },
      { path: "batchSise", message: 'unknown option "batchSise" (did you mean "batchSize"?)' },
    ]);
  });

  it("worker(): every problem at once with its path, before anything is opened", async () => {
    const store = new MemoryStore();
    const refused = await refusedWorker({
      store,
      workflows: { flow: "report" },
      concurrency: 1.5,
      lockMs: 0,
      maxStals: 3,
    });
    expect(refused.where).toBe("worker()");
    expect(refused.issues).toEqual([
      { path: "queue", message: "required: expected a redis:// or rediss:// URL" },
      { path: "workflows.flow", message: 'expected a workflow or an agent, received "report"' },
      { path: "concurrency", message: "expected an integer >= 1, received 1.5" },
      { path: "lockMs", message: "expected a number of ms > 0, received 0" },
      { path: "maxStals", message: 'unknown option "maxStals" (did you mean "maxStalls"?)' },
    ]);
    expect(String(await refusedWorker({ queue, store, workflows: {} }))).toBe(
      "OptionsError: Invalid options for worker() (1 problem):\n  workflows: expected at least one workflow or agent",
    );
    expect((await refusedWorker({ queue, workflows: { flow } })).issues).toEqual([
      {
        path: "store",
        message:
          'required: expected a RunStore or a location ("sqlite:<path>", "postgres://…", "memory:", a file path)',
      },
    ]);
  });
});
