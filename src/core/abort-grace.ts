/**
 * Event-loop turns that aborted work gets to settle and report what it spent. A provider
 * that honours an abort gives up within a turn or two, and one whose reply had already
 * arrived parses it within a few: a model call whose reply arrived is billed, whatever
 * happens next. Work that ignores its abort is not waited for past this.
 */
export const abortGraceTurns = 10;

/**
 * Event-loop turns an aborted model call takes at most to settle. Its request stays open
 * for `abortGraceTurns`, so a reply that had arrived when the abort came (on a busy event
 * loop a timer can fire before the socket that holds the reply is read) is read and
 * billed; then the request is aborted, and its provider gets as many turns again to give
 * up or finish parsing.
 */
export const modelCallAbortTurns = 2 * abortGraceTurns;

/**
 * Event-loop turns the engine waits for an aborted step to report what it spent: its
 * model calls settling, then a grace for the step to hand it on.
 */
export const stepAbortTurns = modelCallAbortTurns + abortGraceTurns;

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
