import type { LoggedEvent, RunStore } from "../ports/run-store.js";

/** `queueMicrotask` builds an AsyncResource per call in Node; a resolved promise's `then` is cheaper. */
const resolved = Promise.resolve();

/** What the journal holds between appends: never added to (an append takes fresh arrays). */
const none: readonly never[] = Object.freeze([]);

/** Work that waits for the log: a function, or an object that runs itself (saves a closure). */
export type JournalEffect = (() => void) | { runEffect(): void };

/**
 * Writes a run's log ahead of its effects. Events recorded in the same turn go to the
 * store in one `append`; effects registered with `after` run only once every event
 * recorded before them is stored. Appends never overlap, so the log keeps its order.
 */
export class RunJournal {
  readonly #store: RunStore;
  readonly #runId: string;
  readonly #onStored: (events: readonly LoggedEvent[]) => void;
  readonly #onError: (error: unknown) => void;
  #events: LoggedEvent[] = [];
  #effects: JournalEffect[] = [];
  #scheduled = false;
  #busy: boolean;
  #closed = false;
  #failed = false;
  readonly #gather: (() => boolean) | undefined;
  /** The batch being appended, and what waits for it. */
  #writing: readonly LoggedEvent[] = none;
  #waiting: readonly JournalEffect[] = none;
  readonly #scheduledFlush = () => {
    this.#scheduled = false;
    this.#flush();
  };
  readonly #written = () => {
    const events = this.#writing;
    const effects = this.#waiting;
    this.#writing = none;
    this.#waiting = none;
    this.#busy = false;
    this.#onStored(events);
    this.#runEffects(effects);
  };
  readonly #writeFailed = (error: unknown) => this.#fail(error);

  constructor(options: {
    store: RunStore;
    runId: string;
    /** Called with each batch once stored, before its effects run. */
    onStored: (events: readonly LoggedEvent[]) => void;
    onError: (error: unknown) => void;
    /** Resolves when the store is ready for the first append (the run record exists). */
    ready: Promise<void>;
    /**
     * Whether to gather events until the current event-loop phase ends before appending
     * (many steps running: their ends arrive in one timers phase and share one append),
     * rather than at the end of the current microtask (few steps: lowest latency).
     */
    gather?: () => boolean;
  }) {
    this.#gather = options.gather;
    this.#store = options.store;
    this.#runId = options.runId;
    this.#onStored = options.onStored;
    this.#onError = options.onError;
    this.#busy = true;
    options.ready.then(
      () => {
        this.#busy = false;
        this.#flush();
      },
      (error) => this.#fail(error),
    );
  }

  /** Whether `close()` was called: later events are dropped. */
  get closed(): boolean {
    return this.#closed;
  }

  record(event: LoggedEvent): void {
    if (this.#closed) return;
    this.#events.push(event);
    this.#schedule();
  }

  /** Runs `effect` once everything recorded so far is stored. */
  after(effect: JournalEffect): void {
    if (this.#failed) return;
    this.#effects.push(effect);
    this.#schedule();
  }

  /** Accepts no more events; what is recorded and its effects still go through. */
  close(): void {
    this.#closed = true;
  }

  #schedule(): void {
    if (this.#scheduled || this.#busy || this.#failed) return;
    this.#scheduled = true;
    if (this.#gather?.()) setImmediate(this.#scheduledFlush);
    else resolved.then(this.#scheduledFlush);
  }

  #flush(): void {
    if (this.#busy || this.#failed) return;
    const events = this.#events;
    const effects = this.#effects;
    if (events.length === 0 && effects.length === 0) return;
    this.#events = [];
    this.#effects = [];
    if (events.length === 0) {
      this.#runEffects(effects);
      return;
    }
    this.#busy = true;
    this.#writing = events;
    this.#waiting = effects;
    let written: Promise<unknown>;
    try {
      written = this.#store.append(this.#runId, events);
    } catch (error) {
      written = Promise.reject(error);
    }
    written.then(this.#written, this.#writeFailed);
  }

  #runEffects(effects: readonly JournalEffect[]): void {
    for (const effect of effects) {
      if (typeof effect === "function") effect();
      else effect.runEffect();
    }
    if (this.#events.length > 0 || this.#effects.length > 0) this.#flush();
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#closed = true;
    this.#events = [];
    this.#effects = [];
    this.#onError(error);
  }
}
