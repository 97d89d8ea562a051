import type { OptionRule } from "../options/option-rule.js";
import type { Clock } from "./clock.js";
import type { IdGenerator } from "./id-generator.js";
import type { RunStore } from "./run-store.js";

/**
 * What the engine takes from its surroundings: time, ids, randomness, a store for runs
 * given none, and the options check. Core never reaches for `Date.now()`,
 * `Math.random()`, a file or a module on its own; a workflow gets these from here (the
 * Node runtime by default), so a run driven by a manual clock and sequential ids replays
 * exactly.
 */
export interface Runtime {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** A uniform number in [0, 1): retry jitter. */
  readonly random: () => number;
  /** The store of a run started without one. */
  createRunStore(): RunStore;
  /**
   * Checks an options object against its rule, throwing an `OptionsError` that lists
   * every problem with its path (`retry.maxAttempts`), unknown options included. `where`
   * names the call (`step "draft"`), or is a function that does, called only on failure. Core declares rules but loads nothing: the Node
   * runtime runs the rule's plain test and loads zod only to describe a failure.
   */
  checkOptions(rule: OptionRule, value: unknown, where: string | (() => string)): void;
}
