import type { z } from "zod";
import { checkSpec, type RawIssue } from "./check-spec.js";
import { nestingPath } from "./nesting-path.js";
import { SpecError, type SpecIssue } from "./spec-error.js";
import { TOO_DEEP } from "./spec-limits.js";
import { closestName, formatPath, type PathSegment } from "./spec-path.js";
import { allowedKeysAt, type WorkflowSpec, workflowSpecSchema } from "./spec-schema.js";
import { finishWork, type Work } from "./work.js";

/**
 * Validates a spec that is already data (built in code, or read by other means): the
 * same checks as `parseSpec`, without line numbers.
 *
 * @throws SpecError listing every problem.
 */
export function validateSpec(
  value: unknown,
  { tools, source }: { tools?: readonly string[]; source?: string } = {},
): WorkflowSpec {
  const checked = finishWork(specIssues(value, tools));
  if (checked.spec && checked.issues.length === 0) return checked.spec;
  const issues = checked.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  throw new SpecError(dedupeIssues(issues), source !== undefined ? { source } : {});
}

/**
 * Every problem of a spec given as data (internal). `spec` is set when the shape is
 * valid, even if graph checks found problems, so a builder can go on collecting more.
 */
export function* specIssues(
  data: unknown,
  tools: readonly string[] | undefined,
): Work<{ spec: WorkflowSpec | undefined; issues: RawIssue[] }> {
  // Data nested without end (or in a circle) would overflow the schema check's stack.
  const deep = nestingPath(data);
  if (deep) return { spec: undefined, issues: [{ path: deep, message: TOO_DEEP }] };
  yield;
  const parsed = workflowSpecSchema().safeParse(data, { reportInput: true });
  const issues: RawIssue[] = parsed.success ? [] : parsed.error.issues.flatMap(fromZodIssue);
  yield;
  issues.push(...(yield* checkSpec(data, tools !== undefined ? { tools } : {})));
  return { spec: parsed.success ? parsed.data : undefined, issues };
}
function fromZodIssue(issue: z.core.$ZodIssue): RawIssue[] {
  const path = issue.path.filter(
    (segment): segment is string | number => typeof segment !== "symbol",
  ) as PathSegment[];
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const close = closestName(key, allowedKeysAt(path));
        return {
          path: [...path, key],
          message: `unknown key "${key}"${close ? ` (did you mean "${close}"?)` : ""}`,
          atKey: true,
        };
      });
    case "invalid_key": {
      const reason = issue.issues[0]?.message ?? issue.message;
      return [
        {
          path,
          message: `invalid name ${JSON.stringify(String(issue.input))}: ${reason}`,
          atKey: true,
        },
      ];
    }
    case "invalid_type":
      if (issue.input === undefined) {
        return [{ path, message: `required: ${plain(issue.message)}` }];
      }
      return [{ path, message: `${plain(issue.message)}, received ${received(issue.input)}` }];
    default:
      return [{ path, message: plain(issue.message) }];
  }
}

/** Zod's defaults read "Invalid input: expected string, received number"; keep the useful part. */
function plain(message: string): string {
  return message
    .replace(/^Invalid (input|option|string|number): /, "")
    .replace(/^Too (small|big): /, "")
    .replace(/, received \w+$/, "");
}

function received(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

export function dedupeIssues(issues: SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
