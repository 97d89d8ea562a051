import { codeFragments } from "../../core/options/option-fragments.js";
import { type OptionRule, rules } from "../../core/options/option-rule.js";
import type { SqliteStoreOptions } from "./sqlite-store.js";

const { object, optional, oneOf, number, boolean } = rules;
const { nonEmpty, count } = codeFragments;

/** The options of `new SqliteStore(options)`. */
export const sqliteStoreOptionsRule = object(
  {
    path: optional(nonEmpty),
    verify: optional(oneOf(["header", "full"], 'expected "header" or "full"')),
    busyTimeoutMs: optional(number({ integer: true, min: 0 }, "expected an integer >= 0")),
    readOnly: optional(boolean()),
    locking: optional(oneOf(["shared", "exclusive"], 'expected "shared" or "exclusive"')),
    checkpointPages: optional(count),
  } satisfies Record<keyof SqliteStoreOptions, OptionRule>,
  "expected an options object",
);
