import { Redis } from "ioredis";

/**
 * A connection to the queue's Redis. Commands wait for a lost connection to come back
 * (`maxRetriesPerRequest: null`, as BullMQ's workers require) rather than fail.
 */
export function connectRedis(url: string, name: string): Redis {
  const connection = new Redis(url, { maxRetriesPerRequest: null, connectionName: name });
  // Errors (a refused connection while Redis restarts) are retried; commands report theirs.
  connection.on("error", () => {});
  return connection;
}

/**
 * Subscribes `connection` to `channels` once it is ready. ioredis writes a SUBSCRIBE at
 * once while a connection is still in its handshake: the subscription is made, then the
 * ready check fails (an INFO in subscriber mode), the connection starts again, and it does
 * not subscribe again since it was never ready. The SUBSCRIBE had resolved: a run's owner
 * so subscribed never heard its workers (seen on the workers bench: every step waited for
 * an owner until `ownerWaitMs`).
 */
export async function subscribeWhenReady(connection: Redis, ...channels: string[]): Promise<void> {
  while (connection.status !== "ready") {
    if (connection.status === "end") throw new Error("Connection is closed.");
    await readyOrEnd(connection);
  }
  await connection.subscribe(...channels);
}

/** One wait per connection, shared by the subscriptions that wait (an owner resuming many runs). */
const waits = new WeakMap<Redis, Promise<void>>();

/** Resolves when `connection` is next ready, or has ended. */
function readyOrEnd(connection: Redis): Promise<void> {
  let wait = waits.get(connection);
  if (!wait) {
    wait = new Promise<void>((resolve) => {
      const done = () => {
        connection.off("ready", done);
        connection.off("end", done);
        waits.delete(connection);
        resolve();
      };
      connection.on("ready", done);
      connection.on("end", done);
    });
    waits.set(connection, wait);
  }
  return wait;
}
