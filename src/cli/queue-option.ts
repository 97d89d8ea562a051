import type { QueueDispatcher } from "../workers/queue-dispatcher.js";
import { CliInputError } from "./cli-input-error.js";

/**
 * The queue dispatcher of `--queue <url>` (`baton run`, `baton resume`): the steps go to
 * workers on that queue. The workers' modules (BullMQ, ioredis) load only then.
 */
export async function queueDispatcherFor(queue: string): Promise<QueueDispatcher> {
  if (!/^rediss?:\/\//.test(queue)) {
    throw new CliInputError(`--queue: expected a redis:// or rediss:// URL, received ${queue}`);
  }
  const { queueDispatcher } = await import("../workers/queue-dispatcher.js");
  return queueDispatcher({ queue });
}
