import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { isMap, isScalar, type Node } from "yaml";
import { readSpecDocument, type SpecDocument } from "../spec/spec-document.js";
import { SpecError } from "../spec/spec-error.js";
import { finishWork } from "../spec/work.js";
import { CliInputError } from "./cli-input-error.js";

/** A spec file as `baton run` reads it, before validation. */
export interface SpecFile {
  /** The path as given on the command line (for messages). */
  source: string;
  /** The absolute path. */
  path: string;
  /** The text, with the top-level `tools` section blanked out (lines and columns kept). */
  text: string;
  /** `orchestrator` when the spec says `kind: orchestrator`, else `workflow` (`kind: workflow` is blanked out too). */
  kind: "workflow" | "orchestrator";
  /** A workflow spec's top-level `tools` section as data: which tools the spec configures. */
  tools: unknown;
}

/**
 * Reads a spec file and takes out what only the CLI reads: `kind` (a workflow or an
 * orchestrator task) and the `tools` section that configures the tools agents may use
 * (built-in and MCP). The rest is left for `parseSpec`, with the `tools` section replaced
 * by spaces so the line and column of every other problem stay right.
 *
 * @throws CliInputError when the file cannot be read.
 */
export async function readSpecFile(source: string, cwd: string): Promise<SpecFile> {
  const path = resolve(cwd, source);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : (error as Error).message;
    throw new CliInputError(`Cannot read the spec ${source}: ${reason}`, { cause: error });
  }
  return { source, path, ...splitSpecText(text) };
}

/** Splits the CLI's `kind` and `tools` from a spec's text (YAML or JSON). */
export function splitSpecText(text: string): Pick<SpecFile, "text" | "kind" | "tools"> {
  // JSON without either key (most JSON specs, and the big generated ones) needs no YAML pass.
  if (text.trimStart().startsWith("{")) {
    try {
      const data: unknown = JSON.parse(text);
      if (typeof data === "object" && data !== null && !("tools" in data) && !("kind" in data))
        return { text, kind: "workflow", tools: undefined };
    } catch {
      // Not JSON after all: read it as YAML, as parseSpec will.
    }
  }
  // Read with the spec's own guards (nesting, aliases); what they refuse, parseSpec reports.
  let read: SpecDocument;
  try {
    read = finishWork(readSpecDocument(text, "yaml", { uniqueKeys: false }));
  } catch (error) {
    if (SpecError.isInstance(error)) return { text, kind: "workflow", tools: undefined };
    throw error;
  }
  const document = read.document!;
  const root = document.contents;
  // Non-map documents are reported by parseSpec, with positions.
  if (!isMap(root)) return { text, kind: "workflow", tools: undefined };
  let kind: SpecFile["kind"] = "workflow";
  let tools: unknown;
  const blank: Array<[number, number]> = [];
  for (const pair of root.items) {
    if (!isScalar(pair.key) || !pair.key.range) continue;
    if (pair.key.value === "kind" && isScalar(pair.value) && pair.value.range) {
      if (pair.value.value === "orchestrator") kind = "orchestrator";
      // `kind: workflow` is the default said out loud; the workflow schema does not know it.
      else if (pair.value.value === "workflow")
        blank.push([pair.key.range[0], pair.value.range[1]]);
    }
    if (pair.key.value === "tools") {
      const value = pair.value as Node | null;
      tools = null;
      blank.push([pair.key.range[0], value?.range ? value.range[1] : pair.key.range[1]]);
    }
  }
  // As data only now: turning the document into data puts each alias's value in its place.
  if (tools === null) tools = (read.data() as Record<string, unknown>).tools ?? null;
  // An orchestrator spec is read whole by parseOrchestratorSpec (it has its own availableTools).
  if (kind === "orchestrator") return { text, kind, tools: undefined };
  let blanked = text;
  for (const [start, end] of blank.reverse())
    blanked = blankPair(blanked, start, end, Boolean(root.flow));
  return { text: blanked, kind, tools };
}

/** Replaces `text[start, end)` with spaces (newlines kept), and a flow map's comma next to it. */
function blankPair(text: string, start: number, end: number, flow: boolean): string {
  let from = start;
  let to = end;
  if (flow) {
    let after = to;
    while (after < text.length && /\s/.test(text[after]!)) after++;
    if (text[after] === ",") to = after + 1;
    else {
      let before = from - 1;
      while (before >= 0 && /\s/.test(text[before]!)) before--;
      if (text[before] === ",") from = before;
    }
  }
  return text.slice(0, from) + text.slice(from, to).replace(/[^\n]/g, " ") + text.slice(to);
}
