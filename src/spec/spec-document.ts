import type { CST, Document, Pair, YAMLMap } from "yaml";
import type { PathSegment } from "../core/options/option-path.js";
import { requireModule } from "../models/require-module.js";
import { SpecError, type SpecIssue } from "./spec-error.js";
import { SPEC_LIMITS, TOO_DEEP } from "./spec-limits.js";
import { finishWork, type Work } from "./work.js";

/** A spec's text, read: its data, and where each part of it was written. */
export interface SpecDocument {
  /**
   * The YAML document (JSON is read as YAML for positions), its aliases still in place.
   * `undefined` for JSON until `position` first needs it.
   */
  readonly document: Document | undefined;
  /** The spec as plain data (built once, on first use). */
  data(): unknown;
  /** Line and column (1-based) of the value at `path`, or of its key; else of the nearest parent. */
  position(
    path: readonly PathSegment[],
    atKey?: boolean,
  ): { line: number; column: number } | undefined;
}

export interface ReadSpecDocumentOptions {
  /** Where the text came from, for the `SpecError`. */
  source?: string;
  /** A key twice in one map is an error. @default true */
  uniqueKeys?: boolean;
}

/** Lexemes (or JSON characters, by the thousand) read between two yields. */
const SLICE = 4096;

/**
 * Reads a spec's YAML or JSON text, checking what the parsers do not: nesting (a parser
 * that recurses would overflow the stack on a document nested thousands deep) and YAML
 * aliases (unknown ones, ones inside the value they name, and expansion beyond
 * `SPEC_LIMITS.aliasValues`). Every problem is a `SpecError` naming its line; nothing
 * else escapes. Time is linear in the text and the values aliases add (internal).
 *
 * @throws SpecError
 */
export function* readSpecDocument(
  text: string,
  format: "yaml" | "json",
  { source, uniqueKeys = true }: ReadSpecDocumentOptions = {},
): Work<SpecDocument> {
  const fail = (issues: SpecIssue[], cause?: unknown) =>
    new SpecError(issues, { ...(source !== undefined ? { source } : {}), cause });
  if (format === "json") {
    const deep = yield* jsonTooDeep(text);
    if (deep !== undefined)
      throw fail([{ path: "", message: TOO_DEEP, ...lineAndColumn(text, deep) }]);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw fail([jsonSyntaxIssue(error, text)], error);
    }
    // Positions only matter when there is a problem to show, so the YAML reading waits.
    let located: SpecDocument | undefined | null;
    return {
      get document() {
        return located?.document;
      },
      data: () => data,
      position(path, atKey) {
        if (located === undefined) {
          try {
            located = finishWork(readYaml(text, false, () => new Error()));
          } catch {
            located = null;
          }
        }
        return located?.position(path, atKey);
      },
    };
  }
  return yield* readYaml(text, uniqueKeys, fail);
}

function* readYaml(
  text: string,
  uniqueKeys: boolean,
  fail: (issues: SpecIssue[], cause?: unknown) => Error,
): Work<SpecDocument> {
  const yaml = requireModule<typeof import("yaml")>("yaml");
  const lineCounter = new yaml.LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  // The parser works lexeme by lexeme (as its own `parse` does), so it can yield between.
  const parser = new yaml.Parser(lineCounter.addNewLine);
  const tokens: CST.Token[] = [];
  lineCounter.addNewLine(0);
  let count = 0;
  let offset = 0;
  try {
    for (const lexeme of new yaml.Lexer().lex(text)) {
      for (const token of parser.next(lexeme)) tokens.push(token);
      offset += lexeme.length;
      if (++count % SLICE === 0) yield;
    }
    for (const token of parser.end()) tokens.push(token);
  } catch (error) {
    // The parser closes block maps and lists by recursion: thousands at once overflow it.
    if (!(error instanceof RangeError)) throw error;
    throw fail([{ path: "", message: TOO_DEEP, ...at(mostIndented(text, offset)) }], error);
  }
  yield;

  const deep = yield* tokensTooDeep(tokens);
  if (deep !== undefined) throw fail([{ path: "", message: TOO_DEEP, ...at(deep) }]);

  const composer = new yaml.Composer({ uniqueKeys });
  let document: Document | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!document) document = next;
    else {
      document.errors.push(
        new yaml.YAMLParseError(
          [next.range[0], next.range[1]],
          "MULTIPLE_DOCS",
          "Source contains multiple documents; a spec is one document",
        ),
      );
      break;
    }
  }
  yield;
  if (!document) throw fail([{ path: "", message: "invalid YAML: the text is empty" }]);
  if (document.errors.length > 0) {
    throw fail(
      document.errors.map((error) => ({
        path: "",
        message: `invalid YAML: ${error.message.split("\n")[0]}`,
        ...(error.pos[0] >= 0 ? at(error.pos[0]) : {}),
      })),
    );
  }

  const aliases = yield* resolveAliases(document, yaml);
  if (aliases.problem) {
    const { offset, message } = aliases.problem;
    throw fail([{ path: "", message, ...(offset !== undefined ? at(offset) : {}) }]);
  }

  const parsed = document;
  let data: { value: unknown } | undefined;
  const keyIndex = new WeakMap<YAMLMap, Map<unknown, Pair>>();
  return {
    document: parsed,
    data() {
      if (data) return data.value;
      aliases.replace();
      try {
        data = { value: parsed.toJS({ maxAliasCount: -1 }) };
      } catch (error) {
        // Not expected once the checks above pass; still, never anything but a SpecError.
        throw fail([{ path: "", message: `invalid YAML: ${(error as Error).message}` }], error);
      }
      return data.value;
    },
    position(path, atKey = false) {
      let node: unknown = parsed.contents;
      let found: number | undefined = rangeStart(node);
      for (const [index, segment] of path.entries()) {
        let next: unknown;
        if (yaml.isMap(node)) {
          let pairs = keyIndex.get(node);
          if (!pairs) {
            pairs = new Map();
            for (const pair of node.items) {
              const key = yaml.isScalar(pair.key) ? pair.key.value : pair.key;
              if (!pairs.has(key)) pairs.set(key, pair);
            }
            keyIndex.set(node, pairs);
          }
          const pair = pairs.get(segment) ?? pairs.get(String(segment));
          if (atKey && index === path.length - 1 && pair) {
            const start = rangeStart(pair.key);
            if (start !== undefined) return at(start);
          }
          next = pair?.value;
        } else if (yaml.isSeq(node) && typeof segment === "number") {
          next = node.items[segment];
        }
        if (next === undefined || next === null) break;
        node = next;
        found = rangeStart(node) ?? found;
      }
      return found !== undefined ? at(found) : undefined;
    },
  };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] | null } | null | undefined)?.range;
  return typeof range?.[0] === "number" ? range[0] : undefined;
}

/** Where the most indented line before `end` starts its content: the likely deepest point. */
function mostIndented(text: string, end: number): number {
  let best = 0;
  let bestIndent = -1;
  for (let lineStart = 0; lineStart <= end && lineStart < text.length; ) {
    let content = lineStart;
    while (text.charCodeAt(content) === 32) content++;
    if (content - lineStart > bestIndent) {
      bestIndent = content - lineStart;
      best = content;
    }
    const next = text.indexOf("\n", content);
    if (next === -1) break;
    lineStart = next + 1;
  }
  return best;
}

/** The offset of a collection nested deeper than the limit, walking the parser's tokens. */
function* tokensTooDeep(tokens: readonly CST.Token[]): Work<number | undefined> {
  const pending: Array<[CST.Token, number]> = tokens.map((token) => [token, 0]);
  let count = 0;
  while (pending.length > 0) {
    const [token, depth] = pending.pop()!;
    if (++count % SLICE === 0) yield;
    if (token.type === "document") {
      if (token.value) pending.push([token.value, depth]);
    } else if (
      token.type === "block-map" ||
      token.type === "block-seq" ||
      token.type === "flow-collection"
    ) {
      if (depth + 1 > SPEC_LIMITS.depth) return token.offset;
      for (const item of token.items) {
        if (item.key) pending.push([item.key, depth + 1]);
        if (item.value) pending.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/** The offset of a `[` or `{` nested deeper than the limit, outside strings. */
function* jsonTooDeep(text: string): Work<number | undefined> {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    if (index % (SLICE * 64) === 0) yield;
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 92)
        index++; // \ escapes the next character
      else if (code === 34) inString = false; // "
    } else if (code === 34) inString = true;
    else if (code === 91 || code === 123) {
      // [ {
      if (++depth > SPEC_LIMITS.depth) return index;
    } else if (code === 93 || code === 125) depth--; // ] }
  }
  return undefined;
}

/** 1-based line and column of `offset` in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf("\n"); index !== -1 && index < offset; ) {
    line++;
    lineStart = index + 1;
    index = text.indexOf("\n", lineStart);
  }
  return { line, column: offset - lineStart + 1 };
}

function jsonSyntaxIssue(error: unknown, text: string): SpecIssue {
  const message = error instanceof Error ? error.message : String(error);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  const position = /at position (\d+)/.exec(message);
  const where = lineColumn
    ? { line: Number(lineColumn[1]), column: Number(lineColumn[2]) }
    : position
      ? lineAndColumn(text, Number(position[1]))
      : {};
  return {
    path: "",
    message: `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`,
    ...where,
  };
}

interface AliasCheck {
  /** Why the aliases cannot be expanded, at the offset of the alias that shows it. */
  problem: { message: string; offset: number | undefined } | undefined;
  /** Puts each alias's node in its place (once), so converting to data never resolves one. */
  replace(): void;
}

/** Data has no keys but names (JSON neither): a map or list as a key is a mistake. */
const COLLECTION_KEY = "a map or list as a key: keys are names, numbers or other plain values";

/** A map or list being walked (or the document around the top value). */
interface Frame {
  /** Maps and lists around this frame's values, itself included. */
  depth: number;
  /** Values inside, aliases expanded, itself included. */
  size: number;
  /** Levels of maps and lists in it, itself included. */
  levels: number;
  parent: Frame | undefined;
  /** Not closed yet: an alias to it from inside would repeat it forever. */
  open: boolean;
}

/** What an anchor names: a walked node, and its frame when it is a map or list. */
interface Anchored {
  node: unknown;
  frame: Frame | undefined;
}

type Task =
  | {
      node: unknown;
      parent: Frame;
      holder: Record<string | number, unknown>;
      slot: string | number;
    }
  | { close: Frame };

/**
 * Checks every alias of `document` in one pass, in document order (the order the YAML
 * library resolves them in: an alias names the last node with that anchor before it):
 * it must name an anchor set before it and not around it, and the values aliases repeat
 * must neither pass the limit nor nest the data too deep. Keys that are maps or lists are
 * refused on the way. Linear in the document's nodes.
 */
function* resolveAliases(document: Document, yaml: typeof import("yaml")): Work<AliasCheck> {
  const anchors = new Map<string, Anchored>();
  const placements: Array<{
    holder: Record<string | number, unknown>;
    slot: string | number;
    target: unknown;
  }> = [];
  let written = 0;
  let added = 0;
  /** Aliases that took `added` past the fixed limit, with the total so far. */
  const heavy: Array<{ offset: number | undefined; total: number }> = [];
  const top: Frame = { depth: 0, size: 0, levels: 0, parent: undefined, open: true };
  const holder = document as unknown as Record<string, unknown>;
  const pending: Task[] = [{ node: document.contents, parent: top, holder, slot: "contents" }];
  let problem: AliasCheck["problem"];
  let count = 0;
  while (pending.length > 0 && !problem) {
    if (++count % SLICE === 0) yield;
    const task = pending.pop()!;
    if ("close" in task) {
      const { close: frame } = task;
      frame.open = false;
      frame.parent!.size += frame.size;
      frame.parent!.levels = Math.max(frame.parent!.levels, frame.levels + 1);
      continue;
    }
    const { node, parent } = task;
    if (node === null || node === undefined) continue;
    if (yaml.isAlias(node)) {
      const target = anchors.get(node.source);
      const offset = rangeStart(node);
      if (!target) {
        problem = {
          message: `unknown alias "*${node.source}": an anchor "&${node.source}" must come before it`,
          offset,
        };
      } else if (target.frame?.open) {
        problem = {
          message: `alias "*${node.source}" is inside the value it repeats (&${node.source}), so that value would never end`,
          offset,
        };
      } else if (task.slot === "key" && target.frame) {
        problem = { message: COLLECTION_KEY, offset };
      } else if (parent.depth + (target.frame?.levels ?? 0) > SPEC_LIMITS.depth) {
        problem = { message: TOO_DEEP, offset };
      } else {
        const size = target.frame?.size ?? 1;
        added += size;
        if (added > SPEC_LIMITS.aliasValues) heavy.push({ offset, total: added });
        parent.size += size;
        parent.levels = Math.max(parent.levels, (target.frame?.levels ?? 0) + 1);
        placements.push({ holder: task.holder, slot: task.slot, target: target.node });
      }
      continue;
    }
    written++;
    const anchor = (node as { anchor?: string }).anchor;
    if (!yaml.isMap(node) && !yaml.isSeq(node)) {
      parent.size += 1;
      if (anchor) anchors.set(anchor, { node, frame: undefined });
      continue;
    }
    if (task.slot === "key") {
      problem = { message: COLLECTION_KEY, offset: rangeStart(node) };
      continue;
    }
    const frame: Frame = { depth: parent.depth + 1, size: 1, levels: 1, parent, open: true };
    if (anchor) anchors.set(anchor, { node, frame });
    pending.push({ close: frame });
    // Last first, so the walk meets them in document order: each pair's key, then its value.
    const items = node.items as unknown[];
    for (let index = items.length - 1; index >= 0; index--) {
      const item = items[index];
      if (yaml.isPair(item)) {
        const pair = item as unknown as Record<string, unknown>;
        pending.push({ node: item.value, parent: frame, holder: pair, slot: "value" });
        pending.push({ node: item.key, parent: frame, holder: pair, slot: "key" });
      } else pending.push({ node: item, parent: frame, holder: items as never, slot: index });
    }
  }
  if (!problem) {
    // Aliases may add as many values as the document writes out, and never fewer than the limit.
    const limit = Math.max(SPEC_LIMITS.aliasValues, written);
    const culprit = heavy.find(({ total }) => total > limit);
    if (culprit) {
      problem = {
        message: `aliases repeat more than ${limit} values in all, which can exhaust memory (write the values out, or use fewer aliases)`,
        offset: culprit.offset,
      };
    }
  }
  return {
    problem,
    replace() {
      for (const { holder, slot, target } of placements.splice(0)) holder[slot] = target;
    },
  };
}
