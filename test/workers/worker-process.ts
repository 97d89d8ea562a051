/**
 * A worker process for tests: `worker()` on the queue and store given as JSON in argv[2],
 * with the workflows a registry module exports by default. Says `{ type: "ready", id }` over
 * IPC once it takes jobs, and closes on "stop" (or dies by SIGKILL, as tests like).
 */
import type { WorkflowRegistry } from "../../src/durable/workflow-registry.js";
import { worker } from "../../src/workers/worker.js";
import type { WorkerProcessConfig } from "./worker-fleet.js";

const config = JSON.parse(process.argv[2]!) as WorkerProcessConfig;
// Bundled for a test (test/support/bundled-script.ts), the registry came with the script.
const workflows = (globalThis.batonTestRegistry ??
  ((await import(config.registry)) as { default: WorkflowRegistry }).default) as WorkflowRegistry;
const running = await worker({
  queue: config.queue,
  store: config.store,
  workflows,
  ...(config.prefix ? { prefix: config.prefix } : {}),
  ...(config.concurrency ? { concurrency: config.concurrency } : {}),
  ...(config.lockMs ? { lockMs: config.lockMs } : {}),
  ...(config.stalledCheckMs ? { stalledCheckMs: config.stalledCheckMs } : {}),
  onError: (error) => process.stderr.write(`worker error: ${String(error)}\n`),
});
process.send?.({ type: "ready", id: running.id });
// The test that started this process is gone: so is this process (no orphans left behind).
process.on("disconnect", () => process.exit(0));
process.on("message", async (message) => {
  if (message === "stop") {
    await running.close();
    process.exit(0);
  }
});
