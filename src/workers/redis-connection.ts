import { Redis } from "ioredis";

/** Checks a queue location (`redis://host:port/db`, `rediss://...`), throwing a TypeError naming `where`. */
export function checkQueueUrl(url: unknown, where: string): asserts url is string {
  if (typeof url !== "string" || !/^rediss?:\/\//.test(url)) {
    throw new TypeError(
      `${where}: expected options.queue to be a redis:// or rediss:// URL, received ${url === undefined ? "nothing" : JSON.stringify(url)}`,
    );
  }
}

/** Checks a key prefix: non-empty, without `:` (BullMQ's separator). */
export function checkPrefix(prefix: unknown, where: string): asserts prefix is string {
  if (typeof prefix !== "string" || prefix === "" || prefix.includes(":")) {
    throw new TypeError(
      `${where}: expected options.prefix to be a non-empty string without ":", received ${String(prefix)}`,
    );
  }
}

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

/** Checks what owners and workers share: an options object, `queue` and `prefix` (default "baton"). */
export function checkQueueOptions(
  options: unknown,
  where: string,
): { queue: string; prefix: string } {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${where}: expected options, received ${String(options)}`);
  }
  const { queue, prefix = "baton" } = options as { queue?: unknown; prefix?: unknown };
  checkQueueUrl(queue, where);
  checkPrefix(prefix, where);
  return { queue, prefix };
}

/** An integer >= `minimum`, or a TypeError naming the option. */
export function checkInteger(where: string, name: string, value: unknown, minimum: number): void {
  if (!(Number.isInteger(value) && (value as number) >= minimum)) {
    throw new TypeError(
      `${where}: expected options.${name} to be an integer >= ${minimum}, received ${String(value)}`,
    );
  }
}

/** A positive number of ms, or a TypeError naming the option. */
export function checkMs(where: string, name: string, value: unknown): void {
  if (value !== undefined && !(typeof value === "number" && value > 0 && Number.isFinite(value))) {
    throw new TypeError(
      `${where}: expected options.${name} to be a number of ms > 0, received ${String(value)}`,
    );
  }
}
