import { describeIssues } from "../core/options/describe-issues.js";
import { formatPath } from "../core/options/option-path.js";
import { checkSpec, type RawIssue } from "./check-spec.js";
import { nestingPath } from "./nesting-path.js";
import { SpecError, type SpecIssue } from "./spec-error.js";
import { TOO_DEEP } from "./spec-limits.js";
import {
  allowedKeysAt,
  type OrchestratorSpec,
  type Spec,
  type SpecKind,
  specKindOf,
  specSchemas,
  type WorkflowSpec,
} from "./spec-schema.js";
import { finishWork, type Work } from "./work.js";

export interface ValidateSpecOptions {
  /**
   * Names of tools the builder will get besides the spec's `tools` section. Given, tool
   * names agents list that are in neither are errors here (unless the section starts MCP
   * servers, whose tools are known only once they run).
   */
  tools?: readonly string[];
  /** Where the spec came from, for error messages. */
  source?: string;
  /** The kind of spec expected: a spec of the other kind is an error. @default either */
  kind?: SpecKind;
}

/** The spec type for an expected kind. */
export type SpecOfKind<K extends SpecKind | undefined> = K extends "workflow"
  ? WorkflowSpec
  : K extends "orchestrator"
    ? OrchestratorSpec
    : Spec;

/**
 * Validates a spec that is already data (built in code, or read by other means): the
 * same checks as `parseSpec`, without line numbers.
 *
 * @throws SpecError listing every problem.
 */
export function validateSpec<K extends SpecKind | undefined = undefined>(
  value: unknown,
  { tools, source, kind }: ValidateSpecOptions & { kind?: K } = {},
): SpecOfKind<K> {
  const checked = finishWork(specIssues(value, tools, kind));
  if (checked.spec && checked.issues.length === 0) return checked.spec as SpecOfKind<K>;
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
  expected?: SpecKind,
): Work<{ spec: Spec | undefined; issues: RawIssue[] }> {
  // Data nested without end (or in a circle) would overflow the schema check's stack.
  const deep = nestingPath(data);
  if (deep) return { spec: undefined, issues: [{ path: deep, message: TOO_DEEP }] };
  const kind = specKindOf(data);
  if (expected !== undefined && kind !== expected) {
    const builder = kind === "orchestrator" ? "buildOrchestrator" : "buildWorkflow";
    return {
      spec: undefined,
      issues: [
        {
          path: ["kind"],
          message: `expected a ${expected} spec, but this is ${kind === "orchestrator" ? "an orchestrator" : "a workflow"} spec (build it with ${builder})`,
        },
      ],
    };
  }
  yield;
  const parsed = specSchemas()[kind].safeParse(data, { reportInput: true });
  const issues: RawIssue[] = parsed.success
    ? []
    : describeIssues(parsed.error.issues, specSchemas()[kind], {
        key: "key",
        received,
        keysAt: (path) => allowedKeysAt(path, kind),
      });
  yield;
  issues.push(...(yield* checkSpec(data, tools !== undefined ? { tools } : {})));
  return { spec: parsed.success ? (parsed.data as Spec) : undefined, issues };
}

/** A value as a spec names it: `null`, `a list`, `a map`, `"text"`, `42`. */
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
