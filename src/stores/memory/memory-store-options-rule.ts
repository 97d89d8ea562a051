import { type OptionRule, rules } from "../../core/options/option-rule.js";
import type { MemoryStoreOptions } from "./memory-store.js";

const { object, optional, oneOf } = rules;

/** The options of `new MemoryStore(options)`. */
export const memoryStoreOptionsRule = object(
  {
    copy: optional(oneOf(["shallow", "json"], 'expected "shallow" or "json"')),
  } satisfies Record<keyof MemoryStoreOptions, OptionRule>,
  "expected an options object",
);
