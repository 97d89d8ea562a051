import type { Document, LineCounter } from "yaml";
import { requireModule } from "../models/require-module.js";
import type { RawIssue } from "./check-spec.js";
import { SpecError, type SpecIssue } from "./spec-error.js";
import { formatPath } from "./spec-path.js";
import type { WorkflowSpec } from "./spec-schema.js";
import { dedupeIssues, specIssues } from "./validate-spec.js";

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
   * Names of the tools agents may list. Given, unknown tool names are errors here;
   * `buildWorkflow` checks them against its `tools` registry in any case.
   */
  tools?: readonly string[];
}

/**
 * Parses and validates a workflow spec written in YAML or JSON: the shape (zod), then
 * everything a schema cannot see (unknown steps and agents, cycles, templates that read
 * steps that may not have run, unreachable route targets, ...). All problems are
 * collected into one `SpecError`, each with its path and, when known, line and column.
 *
 * @throws SpecError when the text is not valid YAML/JSON or not a valid spec.
 * @example
 * const spec = parseSpec(await readFile("research.yaml", "utf8"), { source: "research.yaml" });
 */
export function parseSpec(text: string, options: ParseSpecOptions = {}): WorkflowSpec {
  if (typeof text !== "string") {
    throw new TypeError(
      `parseSpec: expected "text" to be a string, received ${text === null ? "null" : typeof text}`,
    );
  }
  const { source, tools } = options;
  const format = options.format ?? formatOf(source, text);
  if (format !== "yaml" && format !== "json") {
    throw new TypeError(
      `parseSpec: expected "format" to be "yaml" or "json", received ${String(format)}`,
    );
  }
  const errorOptions = source !== undefined ? { source } : {};
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  let document: Document | undefined;
  let data: unknown;

  if (format === "json") {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new SpecError([jsonSyntaxIssue(error, text)], { ...errorOptions, cause: error });
    }
    // Only to locate problems: JSON is (nearly) YAML, and positions are a nicety.
    const located = parseDocument(text, { lineCounter });
    document = located.errors.length === 0 ? located : undefined;
  } else {
    document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
    if (document.errors.length > 0) {
      throw new SpecError(
        document.errors.map((error) => ({
          path: "",
          message: `invalid YAML: ${firstLine(error.message)}`,
          ...(error.linePos ? { line: error.linePos[0].line, column: error.linePos[0].col } : {}),
        })),
        errorOptions,
      );
    }
    data = document.toJS({ maxAliasCount: 100 });
  }

  const checked = specIssues(data, tools);
  if (checked.issues.length > 0 || !checked.spec) {
    const issues = checked.issues.map((issue) => locate(issue, document, lineCounter));
    throw new SpecError(sortByPosition(dedupeIssues(issues)), errorOptions);
  }
  return checked.spec;
}

/** The YAML parser, loaded by the first parse rather than with Baton. */
function yaml(): typeof import("yaml") {
  return requireModule<typeof import("yaml")>("yaml");
}

function formatOf(source: string | undefined, text: string): "yaml" | "json" {
  const extension = source?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (extension === "json") return "json";
  if (extension === "yaml" || extension === "yml") return "yaml";
  return text.trimStart().startsWith("{") ? "json" : "yaml";
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

function jsonSyntaxIssue(error: unknown, text: string): SpecIssue {
  const message = error instanceof Error ? error.message : String(error);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  const position = /at position (\d+)/.exec(message);
  let line: number | undefined;
  let column: number | undefined;
  if (lineColumn) {
    line = Number(lineColumn[1]);
    column = Number(lineColumn[2]);
  } else if (position) {
    const before = text.slice(0, Number(position[1]));
    line = before.split("\n").length;
    column = before.length - before.lastIndexOf("\n");
  }
  return {
    path: "",
    message: `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`,
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
  };
}

/** Adds the line and column of the nearest node that exists on the issue's path. */
function locate(
  issue: RawIssue,
  document: Document | undefined,
  lineCounter: LineCounter,
): SpecIssue {
  const out: SpecIssue = { path: formatPath(issue.path), message: issue.message };
  if (!document) return out;
  const { isMap, isScalar } = yaml();
  // A map entry is shown at its key, where a reader looks for it.
  const last = issue.path.at(-1);
  if (issue.atKey && typeof last === "string") {
    const parent = document.getIn(issue.path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
      const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
      if (typeof offset === "number") {
        const { line, col } = lineCounter.linePos(offset);
        return { ...out, line, column: col };
      }
    }
  }
  for (let length = issue.path.length; length >= 0; length--) {
    const node = document.getIn(issue.path.slice(0, length), true) as
      | { range?: [number, number, number] }
      | undefined;
    const offset = node?.range?.[0];
    if (typeof offset === "number") {
      const { line, col } = lineCounter.linePos(offset);
      return { ...out, line, column: col };
    }
  }
  return out;
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
