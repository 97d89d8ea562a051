import { type Document, LineCounter, parseDocument } from "yaml";
import { SpecError, type SpecIssue } from "../../spec/index.js";
import {
  type AvailableToolSpec,
  type BuiltinToolKind,
  type OrchestratorSpec,
  orchestratorSpecSchema,
} from "./orchestrator-spec-schema.js";

export interface ParseOrchestratorSpecOptions {
  /** @default from `source`'s extension, else "json" when the text starts with `{`, else "yaml" */
  format?: "yaml" | "json";
  /** Where the text came from (a file path), for error messages. */
  source?: string;
  /**
   * Names of the tools in the registry that `buildOrchestrator` will get. Given, tool names
   * the spec uses that are neither built in nor in the registry are errors here.
   */
  tools?: readonly string[];
}

type Segment = string | number;

const identifier = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function formatPath(path: readonly Segment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (identifier.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Whether parsed spec data declares itself an orchestrator spec (`kind: orchestrator`). */
export function isOrchestratorSpec(data: unknown): boolean {
  return (
    typeof data === "object" &&
    data !== null &&
    (data as { kind?: unknown }).kind === "orchestrator"
  );
}

/** The tool name an `availableTools` entry defines, or `undefined` for an MCP server (named by the server). */
export function toolEntryName(entry: AvailableToolSpec): string | undefined {
  if (typeof entry === "string") return entry;
  const [kind, options] = Object.entries(entry)[0] as [BuiltinToolKind, { name?: string } | null];
  if (kind === "mcp") return undefined;
  return options?.name ?? kind;
}

interface RawIssue {
  path: Segment[];
  message: string;
}

function crossCheck(spec: OrchestratorSpec, tools: readonly string[] | undefined): RawIssue[] {
  const issues: RawIssue[] = [];
  const entries = spec.availableTools ?? [];
  const defined = new Map<string, number>();
  const builtin = new Set(["calculator"]);
  for (const [index, entry] of entries.entries()) {
    const name = toolEntryName(entry);
    if (name === undefined) continue;
    if (defined.has(name)) {
      issues.push({
        path: ["availableTools", index],
        message: `the tool name "${name}" is already used by availableTools[${defined.get(name)}]; give one a different name`,
      });
    }
    defined.set(name, index);
    if (typeof entry === "string" && !builtin.has(entry) && tools && !tools.includes(entry)) {
      issues.push({
        path: ["availableTools", index],
        message: `unknown tool "${entry}" (built in: calculator, http_fetch, read_file, mcp; registry: ${tools.join(", ") || "empty"})`,
      });
    }
  }
  const hasMcp = entries.some((entry) => typeof entry === "object" && "mcp" in entry);
  const known = new Set([...defined.keys(), ...(tools ?? [])]);
  const checkTools = (names: readonly string[] | undefined, path: Segment[]) => {
    if (hasMcp || tools === undefined) return;
    for (const [index, name] of (names ?? []).entries()) {
      if (!known.has(name)) {
        issues.push({
          path: [...path, index],
          message: `unknown tool "${name}" (known: ${[...known].join(", ") || "none"})`,
        });
      }
    }
  };
  checkTools(spec.mainAgent.tools, ["mainAgent", "tools"]);
  const mainName = spec.mainAgent.name ?? "main";
  const designerName = spec.designerName ?? "designer";
  if (mainName === designerName) {
    issues.push({
      path: ["designerName"],
      message: `"${designerName}" is also the main agent's name`,
    });
  }
  for (const [name, subagent] of Object.entries(spec.subagents ?? {})) {
    if (name === mainName || name === designerName) {
      issues.push({
        path: ["subagents", name],
        message: `"${name}" is the ${name === mainName ? "main agent's" : "designer's"} name; pick another`,
      });
    }
    checkTools(subagent.tools, ["subagents", name, "tools"]);
  }
  return issues;
}

function locate(
  issue: RawIssue,
  document: Document | undefined,
  lineCounter: LineCounter,
): SpecIssue {
  const out: SpecIssue = { path: formatPath(issue.path), message: issue.message };
  if (!document) return out;
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

/**
 * Checks parsed spec data (from YAML or JSON) and returns the spec, or throws a `SpecError`
 * listing every problem by its path.
 */
export function checkOrchestratorSpec(
  data: unknown,
  options: { source?: string; tools?: readonly string[] } = {},
): OrchestratorSpec {
  return validate(data, undefined, new LineCounter(), options);
}

function validate(
  data: unknown,
  document: Document | undefined,
  lineCounter: LineCounter,
  { source, tools }: { source?: string; tools?: readonly string[] },
): OrchestratorSpec {
  const parsed = orchestratorSpecSchema.safeParse(data);
  const raw: RawIssue[] = parsed.success
    ? crossCheck(parsed.data as OrchestratorSpec, tools)
    : parsed.error.issues.map((issue) => ({
        path: issue.path.filter((segment): segment is Segment => typeof segment !== "symbol"),
        message:
          issue.code === "unrecognized_keys"
            ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`
            : issue.message,
      }));
  if (raw.length > 0) {
    throw new SpecError(
      raw.map((issue) => locate(issue, document, lineCounter)),
      source !== undefined ? { source } : {},
    );
  }
  return parsed.data as OrchestratorSpec;
}

/**
 * Parses and validates an orchestrator spec written in YAML or JSON (`kind: orchestrator`).
 * @throws SpecError listing every problem, each with its path (and line and column).
 * @example
 * const spec = parseOrchestratorSpec(await readFile("team.yaml", "utf8"), { source: "team.yaml" });
 */
export function parseOrchestratorSpec(
  text: string,
  options: ParseOrchestratorSpecOptions = {},
): OrchestratorSpec {
  if (typeof text !== "string") {
    throw new TypeError(
      `parseOrchestratorSpec: expected "text" to be a string, received ${text === null ? "null" : typeof text}`,
    );
  }
  const { source } = options;
  const extension = source?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  const format =
    options.format ??
    (extension === "json"
      ? "json"
      : extension === "yaml" || extension === "yml"
        ? "yaml"
        : text.trimStart().startsWith("{")
          ? "json"
          : "yaml");
  if (format !== "yaml" && format !== "json") {
    throw new TypeError(
      `parseOrchestratorSpec: expected "format" to be "yaml" or "json", received ${String(format)}`,
    );
  }
  const errorOptions = source !== undefined ? { source } : {};
  const lineCounter = new LineCounter();
  let data: unknown;
  let document: Document | undefined;
  if (format === "json") {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new SpecError([{ path: "", message: `invalid JSON: ${(error as Error).message}` }], {
        ...errorOptions,
        cause: error,
      });
    }
    const located = parseDocument(text, { lineCounter });
    document = located.errors.length === 0 ? located : undefined;
  } else {
    document = parseDocument(text, { lineCounter, uniqueKeys: true });
    if (document.errors.length > 0) {
      throw new SpecError(
        document.errors.map((error) => ({
          path: "",
          message: `invalid YAML: ${error.message.split("\n")[0]}`,
          ...(error.linePos ? { line: error.linePos[0].line, column: error.linePos[0].col } : {}),
        })),
        errorOptions,
      );
    }
    data = document.toJS({ maxAliasCount: 100 });
  }
  return validate(data, document, lineCounter, options);
}
