/**
 * Event-loop turns that aborted work gets to settle and report what it spent. A provider
 * that honours an abort gives up within a turn or two, and one whose reply had already
 * arrived parses it within a few: a model call whose reply arrived is billed, whatever
 * happens next. Work that ignores its abort is not waited for past this.
 */
export const abortGraceTurns = 10;

/**
 * Resolves once `done()` holds (checked now and after each event-loop turn), or after
 * `turns` turns, whichever comes first.
 */
export function turnsUntil(done: () => boolean, turns: number): Promise<void> {
  return new Promise((resolve) => {
    let left = turns;
    const check = () => {
      if (done() || left-- <= 0) resolve();
      else setImmediate(check);
    };
    check();
  });
}
