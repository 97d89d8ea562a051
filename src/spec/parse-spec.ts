import { formatPath } from "../core/options/option-path.js";
import { readSpecDocument } from "./spec-document.js";
import { SpecError, type SpecIssue } from "./spec-error.js";
import type { SpecKind } from "./spec-schema.js";
import { dedupeIssues, type SpecOfKind, specIssues } from "./validate-spec.js";
import { finishWork, type Work } from "./work.js";

export interface ParseSpecOptions {
  /**
   * The text's format.
   * @default from `source`'s extension (`.json`, `.yaml`, `.yml`), else "json" when the
   *   text starts with `{`, else "yaml"
   */
  format?: "yaml" | "json";
  /** Where the text came from (a file path), for error messages. */
  source?: string;
  /**
   * Names of tools the builder will get besides the spec's `tools` section (a registry of
   * your own). Given, tool names agents list that are in neither are errors here;
   * `buildWorkflow` and `buildOrchestrator` check them in any case.
   */
  tools?: readonly string[];
  /**
   * The kind of spec expected (`workflow`, or `orchestrator` for `kind: orchestrator`): a
   * spec of the other kind is a `SpecError`, and the result is typed as that kind.
   * @default either kind
   */
  kind?: SpecKind;
}

/**
 * Parses and validates a spec written in YAML or JSON, a workflow or an orchestrator
 * (`kind: orchestrator`): the shape (zod), then everything a schema cannot see (unknown
 * steps, agents and tools, cycles, templates that read steps that may not have run,
 * unreachable route targets, ...). All problems are collected into one `SpecError`,
 * each with its path and, when known, line and column.
 *
 * Any text gives a spec or a `SpecError`, in time linear in its length: documents nested
 * deeper than 128 levels, YAML aliases that are unknown, circular or expand past 100,000
 * values, and other resource attacks are problems with a line like any other.
 *
 * @throws SpecError when the text is not valid YAML/JSON or not a valid spec.
 * @example
 * const spec = parseSpec(await readFile("research.yaml", "utf8"), { source: "research.yaml" });
 */
export function parseSpec<K extends SpecKind | undefined = undefined>(
  text: string,
  options: ParseSpecOptions & { kind?: K } = {},
): SpecOfKind<K> {
  return finishWork(parseSpecWork(text, options));
}

/**
 * `parseSpec` as work in slices (internal), for callers that must stay responsive while
 * a large spec is read (`loadSpec`, the CLI). Bad arguments throw at once.
 */
export function parseSpecWork<K extends SpecKind | undefined = undefined>(
  text: string,
  options: ParseSpecOptions & { kind?: K } = {},
): Work<SpecOfKind<K>> {
  if (typeof text !== "string") {
    throw new TypeError(
      `parseSpec: expected "text" to be a string, received ${text === null ? "null" : typeof text}`,
    );
  }
  const format = options.format ?? formatOf(options.source, text);
  if (format !== "yaml" && format !== "json") {
    throw new TypeError(
      `parseSpec: expected "format" to be "yaml" or "json", received ${String(format)}`,
    );
  }
  return readSpec(text, format, options) as Work<SpecOfKind<K>>;
}

function* readSpec(
  text: string,
  format: "yaml" | "json",
  { source, tools, kind }: ParseSpecOptions,
): Work<SpecOfKind<SpecKind | undefined>> {
  const read = yield* readSpecDocument(text, format, source !== undefined ? { source } : {});
  const data = read.data();
  yield;
  const checked = yield* specIssues(data, tools, kind);
  if (checked.issues.length > 0 || !checked.spec) {
    const issues = checked.issues.map((issue) => ({
      path: formatPath(issue.path),
      message: issue.message,
      ...read.position(issue.path, issue.atKey),
    }));
    throw new SpecError(
      sortByPosition(dedupeIssues(issues)),
      source !== undefined ? { source } : {},
    );
  }
  return checked.spec;
}

function formatOf(source: string | undefined, text: string): "yaml" | "json" {
  const extension = source?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (extension === "json") return "json";
  if (extension === "yaml" || extension === "yml") return "yaml";
  return text.trimStart().startsWith("{") ? "json" : "yaml";
}

function sortByPosition(issues: SpecIssue[]): SpecIssue[] {
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort(
      (a, b) =>
        (a.issue.line ?? Number.MAX_SAFE_INTEGER) - (b.issue.line ?? Number.MAX_SAFE_INTEGER) ||
        (a.issue.column ?? 0) - (b.issue.column ?? 0) ||
        a.order - b.order,
    )
    .map(({ issue }) => issue);
}
