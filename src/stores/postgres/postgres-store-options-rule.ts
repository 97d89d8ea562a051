import { codeFragments } from "../../core/options/option-fragments.js";
import { type OptionRule, rules } from "../../core/options/option-rule.js";
import { schemaNameRule, schemaPattern } from "./postgres-location.js";
import type { PostgresStoreOptions } from "./postgres-store.js";

const { object, optional, string, boolean } = rules;
const { count, positiveMs } = codeFragments;

/** The options of `PostgresStore.open(url, options)`. */
export const postgresStoreOptionsRule = object(
  {
    schema: optional(
      string(`expected a schema name (${schemaNameRule} characters)`, { pattern: schemaPattern }),
    ),
    connectTimeoutMs: optional(positiveMs),
    maxConnections: optional(count),
    readOnly: optional(boolean()),
    mustExist: optional(boolean()),
  } satisfies Record<keyof PostgresStoreOptions, OptionRule>,
  "expected an options object",
);
