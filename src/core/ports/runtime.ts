import type { OptionsSchema } from "../options/options-schema.js";
import type { Clock } from "./clock.js";
import type { IdGenerator } from "./id-generator.js";
import type { RunStore } from "./run-store.js";

/**
 * What the engine takes from its surroundings: time, ids, randomness and a store for runs
 * given none. Core never reaches for `Date.now()`, `Math.random()` or a file on its own;
 * a workflow gets these from here (the Node runtime by default), so a run driven by a
 * manual clock and sequential ids replays exactly.
 */
export interface Runtime {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** A uniform number in [0, 1): retry jitter. */
  readonly random: () => number;
  /** The store of a run started without one. */
  createRunStore(): RunStore;
  /**
   * Checks an options object against its schema, throwing an `OptionsError` (a
   * `TypeError`) that lists every problem with its path (`options.retry.maxAttempts`),
   * unknown keys included. `where` names the call (`step "draft"`). The Node runtime
   * checks with zod, loaded on first use: core declares schemas but loads nothing.
   */
  checkOptions(schema: OptionsSchema, value: unknown, where: string): void;
}
