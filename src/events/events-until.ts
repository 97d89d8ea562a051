/**
 * Yields `events` until they end or `signal` aborts, even while a `next()` is pending,
 * and then releases the source iterator (internal). `return()` is not awaited: a
 * generator parked in `next()` would make it wait for its next event.
 */
export async function* eventsUntil<T>(
  events: AsyncIterable<T>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T, void, undefined> {
  const iterator = events[Symbol.asyncIterator]();
  let onAbort = () => {};
  const stopped = new Promise<"stop">((resolve) => {
    onAbort = () => resolve("stop");
  });
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  let finished = false;
  try {
    while (true) {
      const next = iterator.next();
      // When the stop wins the race, a later rejection of `next` must not go unhandled.
      next.catch(() => {});
      const outcome = await Promise.race([next, stopped]).catch((error: unknown) => {
        finished = true;
        throw error;
      });
      if (outcome === "stop") return;
      if (outcome.done) {
        finished = true;
        return;
      }
      yield outcome.value;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (!finished) Promise.resolve(iterator.return?.()).catch(() => {});
  }
}
