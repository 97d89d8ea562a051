/**
 * An owner process of the workers chaos campaign: durable runs on the shared store with a
 * queue dispatcher and auto-resume (it takes over the runs of an owner that died). Starts
 * the runs it is asked for over IPC (`{ start: [seeds] }`) and answers `{ runIds }`.
 */
import { openDurable } from "../../src/durable/open-durable.js";
import { queueDispatcher } from "../../src/workers/queue-dispatcher.js";
import { chaosWorkflows } from "./chaos-workflows.js";

const config = JSON.parse(process.argv[2]!) as {
  queue: string;
  store: string;
  prefix: string;
  staleAfterMs: number;
};
const durable = await openDurable({
  store: config.store,
  workflows: chaosWorkflows(),
  autoResume: true,
  pollMs: 300,
  staleAfterMs: config.staleAfterMs,
  start: { dispatcher: queueDispatcher({ queue: config.queue, prefix: config.prefix }) },
  onError: (error, runId) =>
    process.stderr.write(`owner ${process.pid}: ${runId ?? ""} ${String(error)}\n`),
});
process.on("message", (message: { start?: number[] }) => {
  if (!message.start) return;
  const runIds = message.start.map((seed) => durable.start("chaos", { seed }).id);
  process.send?.({ runIds });
});
process.send?.({ ready: true });
// The test that started this process is gone: so is this process (no orphans left behind).
process.on("disconnect", () => process.exit(0));
