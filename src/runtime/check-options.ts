import { OptionsError } from "../core/errors/options-error.js";
import { describeIssues } from "../core/options/describe-issues.js";
import { formatPath } from "../core/options/option-path.js";
import type { OptionRule } from "../core/options/option-rule.js";
import { requireModule } from "../models/require-module.js";

/**
 * Checks `value` against `rule`, throwing an `OptionsError` that lists every problem
 * with its path, unknown options included. Valid options cost one plain test; zod is
 * loaded (and the rule's schema built) only to describe a failure. The options check of
 * the Node runtime (`Runtime.checkOptions`), and of everything outside core. `where` may
 * be a function, called only on failure (options checked on every call build no string).
 * @example checkOptions(agentOptionsRule, options, `agent("writer")`)
 */
export function checkOptions(
  rule: OptionRule,
  value: unknown,
  where: string | (() => string),
): void {
  if (rule.test(value)) return;
  // Built afresh: this runs only when something is wrong, and then once.
  const schema = rule.zod(requireModule<typeof import("zod")>("zod").z);
  const parsed = schema.safeParse(value, { reportInput: true });
  // zod has the last word: a rule's plain test and its schema agree (a test compares them).
  if (parsed.success) return;
  const seen = new Set<string>();
  const issues = describeIssues(parsed.error.issues, schema, { key: "option", received })
    .map((issue) => ({ path: formatPath(issue.path), message: issue.message }))
    .filter((issue) => {
      const key = `${issue.path}\u0000${issue.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  throw new OptionsError(typeof where === "string" ? where : where(), issues);
}

/** A value as code options name it: `null`, `an array`, `a function`, `an object`, `"text"`, `42`. */
function received(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "function") return "a function";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  return String(value);
}
