import { OptionsError } from "../core/errors/options-error.js";
import { describeIssues } from "../core/options/describe-issues.js";
import { formatPath } from "../core/options/option-path.js";
import type { OptionsSchema } from "../core/options/options-schema.js";
import { requireModule } from "../models/require-module.js";

/**
 * Checks `value` against `schema` with zod (loaded on first use), throwing an
 * `OptionsError` that lists every problem with its path under `options`. The options
 * check of the Node runtime (`Runtime.checkOptions`), and of everything outside core.
 * @example checkOptions(httpFetchSchema, options, "httpFetch()")
 */
export function checkOptions(schema: OptionsSchema, value: unknown, where: string): void {
  const built = schema.schema(requireModule<typeof import("zod")>("zod").z);
  const parsed = built.safeParse(value, { reportInput: true });
  if (parsed.success) return;
  const seen = new Set<string>();
  const issues = describeIssues(parsed.error.issues, built, { key: "option", received })
    .map((issue) => ({ path: formatPath(["options", ...issue.path]), message: issue.message }))
    .filter((issue) => {
      const key = `${issue.path}\u0000${issue.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  throw new OptionsError(where, issues);
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
