/**
 * A run's owner for tests: opens the store given as JSON in argv[2] durably, with a queue
 * dispatcher, starts one run of `workflow`, says `{ runId }` over IPC, and waits (the test
 * SIGKILLs it while the run's steps are out on workers).
 */

import { openDurable } from "../../src/durable/open-durable.js";
import type { WorkflowRegistry } from "../../src/durable/workflow-registry.js";
import { queueDispatcher } from "../../src/workers/queue-dispatcher.js";

const config = JSON.parse(process.argv[2]!) as {
  queue: string;
  store: string;
  registry: string;
  workflow: string;
  input: unknown;
};
// Bundled for a test (test/support/bundled-script.ts), the registry came with the script.
const workflows = (globalThis.batonTestRegistry ??
  ((await import(config.registry)) as { default: WorkflowRegistry }).default) as WorkflowRegistry;
const durable = await openDurable({
  store: config.store,
  workflows,
  start: { dispatcher: queueDispatcher({ queue: config.queue }) },
});
const run = durable.start(config.workflow, config.input);
process.send?.({ runId: run.id });
// The test that started this process is gone: so is this process (no orphans left behind).
process.on("disconnect", () => process.exit(0));
await run.result;
