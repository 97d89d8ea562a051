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
