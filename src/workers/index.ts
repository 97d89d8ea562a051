/**
 * Distributed runs: the steps of a run spread over worker processes on any number of
 * machines, through a BullMQ queue on Redis. The run's owner sends ready steps with
 * `queueDispatcher` (give it as the `dispatcher` start option, or to `openDurable`'s
 * `start`); `worker` runs them. Loads `bullmq` and `ioredis`: import it only where used.
 * See docs/distributed.md.
 * @module baton-ai/workers
 */
import "../require-supported-node.js";

export {
  QueueDispatcher,
  type QueueDispatcherOptions,
  queueDispatcher,
} from "./queue-dispatcher.js";
export { type BatonWorker, type WorkerOptions, worker } from "./worker.js";
export { WorkerError, type WorkerErrorCode } from "./worker-error.js";
