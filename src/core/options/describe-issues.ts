import type { z } from "zod";
import { closestName, knownList, type PathSegment } from "./option-path.js";
import { keysAt } from "./schema-keys.js";

/** One problem zod found, in Baton's words: where it is and what was expected. */
export interface DescribedIssue {
  path: PathSegment[];
  message: string;
  /** The problem is the key at `path` itself (an unknown or invalid name), not its value. */
  atKey?: true;
}

/** How a spec and code options word their problems. */
export interface IssueWording {
  /** What an object's key is called: `"key"` in a spec, `"option"` in code. */
  key: string;
  /** How a value that arrived is named: `a map` in a spec, `an object` in code. */
  received(value: unknown): string;
  /** The keys allowed at `path`, for "did you mean". @default read from the schema */
  keysAt?(path: readonly PathSegment[]): string[];
}

/**
 * Zod's issues as Baton reports them, every one with its path: unknown keys name the
 * closest allowed one (or list them), a union reports the problems of the branch the
 * value was meant for, and a value that arrived is shown beside what was expected.
 * Used for specs (`parseSpec`, `validateSpec`) and code options (`Runtime.checkOptions`)
 * alike, so both say the same thing about the same mistake.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.core.$ZodType,
  wording: IssueWording,
): DescribedIssue[] {
  const allowed = wording.keysAt ?? ((path: readonly PathSegment[]) => keysAt(schema, path));
  const describe = (issue: z.core.$ZodIssue, prefix: PathSegment[]): DescribedIssue[] => {
    const path = [...prefix, ...segments(issue.path)];
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case "unrecognized_keys": {
        const keys = allowed(path);
        return issue.keys.map((key) => {
          const close = closestName(key, keys);
          const hint = close
            ? ` (did you mean "${close}"?)`
            : keys.length > 0
              ? ` ${knownList(keys)}`
              : "";
          return {
            path: [...path, key],
            message: `unknown ${wording.key} "${key}"${hint}`,
            atKey: true as const,
          };
        });
      }
      case "invalid_key": {
        const reason = issue.issues[0]?.message ?? issue.message;
        return [
          {
            path,
            message: `invalid name ${JSON.stringify(String(input))}: ${plain(reason)}`,
            atKey: true,
          },
        ];
      }
      case "invalid_union": {
        const meant = issue.errors.filter((branch) => !branch.every(isMismatch));
        // Among object branches, the one whose keys fit best: fewest unknown keys.
        const ranked = [...meant].sort((a, b) => unknownKeys(a) - unknownKeys(b));
        const [best, next] = ranked;
        if (best && (!next || unknownKeys(best) < unknownKeys(next))) {
          return best.flatMap((inner) => describe(inner, path));
        }
        return [{ path, message: withReceived(plain(issue.message), input, true) }];
      }
      case "invalid_type":
        return [{ path, message: withReceived(plain(issue.message), input, true) }];
      default:
        return [{ path, message: withReceived(plain(issue.message), input, false) }];
    }
  };
  /** What was expected, and what arrived (objects only where the type was wrong); a missing value is "required". */
  const withReceived = (message: string, input: unknown, always: boolean): string => {
    if (input === undefined) return `required: ${message}`;
    return always || typeof input !== "object" || input === null
      ? `${message}, received ${wording.received(input)}`
      : message;
  };
  return issues.flatMap((issue) => describe(issue, []));
}

/**
 * Whether an issue only says the value is not of this union branch's kind (a number
 * given to the object branch): such branches are not the one the value was meant for.
 */
function isMismatch(issue: z.core.$ZodIssue): boolean {
  return (
    issue.path.length === 0 &&
    (issue.code === "invalid_type" || issue.code === "invalid_value" || issue.code === "custom")
  );
}

/** How many keys a union branch found unknown in the value itself. */
function unknownKeys(branch: readonly z.core.$ZodIssue[]): number {
  let count = 0;
  for (const issue of branch) {
    if (issue.code === "unrecognized_keys" && issue.path.length === 0) count += issue.keys.length;
  }
  return count;
}

function segments(path: readonly PropertyKey[]): PathSegment[] {
  return path.filter((segment): segment is string | number => typeof segment !== "symbol");
}

/** Zod's defaults read "Invalid input: expected string, received number"; keep the useful part. */
function plain(message: string): string {
  return message
    .replace(/^Invalid (input|option|string|number): /, "")
    .replace(/^Too (small|big): /, "")
    .replace(/, received \w+$/, "");
}
