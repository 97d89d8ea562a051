/** Small text helpers shared by the flowchart, the tool trace and the CLI (internal). */
import type { PossiblyBilled } from "../../index.js";

/** One line, at most `max` characters, cut with an ellipsis. */
export function abridge(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

/** A value as short JSON (strings unquoted when `bare`), cut to `max` characters. */
export function abridgeValue(value: unknown, max: number): string {
  if (value === undefined) return "";
  let text: string;
  try {
    text =
      typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return abridge(text, max);
}

/** `12,345 tokens` */
export function tokens(count: number): string {
  return `${count.toLocaleString("en-US")} tokens`;
}

/** `0.0123¢`, or `price unknown`. */
export function cents(value: number | null | undefined): string {
  if (value === null) return "price unknown";
  return `${(value ?? 0).toFixed(4)}¢`;
}

/** `✓` succeeded, `✗` failed, `…` still running or never ended. */
export function mark(ok: boolean | undefined): string {
  return ok === true ? "✓" : ok === false ? "✗" : "…";
}

/** An ASCII box around `lines`, each cut to fit `maxWidth` characters in all. */
export function box(lines: readonly string[], maxWidth = 76): string[] {
  const inner = Math.max(8, maxWidth - 4);
  const cut = lines.map((line) => (line.length > inner ? `${line.slice(0, inner - 1)}…` : line));
  const width = Math.max(...cut.map((line) => line.length), 8);
  const border = `+${"-".repeat(width + 2)}+`;
  return [border, ...cut.map((line) => `| ${line.padEnd(width)} |`), border];
}

/**
 * Hangs `children` (each a block of lines) under a trunk: `|-- ` before each block's first
 * line, `|   ` before the rest, and `` `-- `` / spaces for the last block.
 */
export function branches(children: readonly (readonly string[])[]): string[] {
  const lines: string[] = [];
  children.forEach((child, index) => {
    const last = index === children.length - 1;
    child.forEach((line, position) => {
      const lead = position === 0 ? (last ? "`-- " : "|-- ") : last ? "    " : "|   ";
      lines.push(`${lead}${line}`.trimEnd());
    });
  });
  return lines;
}

/** Like `branches`, with box-drawing characters (for the tool trace). */
export function tree(children: readonly (readonly string[])[]): string[] {
  const lines: string[] = [];
  children.forEach((child, index) => {
    const last = index === children.length - 1;
    child.forEach((line, position) => {
      const lead = position === 0 ? (last ? "└─ " : "├─ ") : last ? "   " : "│  ";
      lines.push(`${lead}${line}`.trimEnd());
    });
  });
  return lines;
}

/** Left-aligned columns, the first row a header, with a rule under it. */
export function table(
  rows: readonly (readonly string[])[],
  rightAligned: ReadonlySet<number>,
): string[] {
  const widths = rows[0]!.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? "").length)),
  );
  const format = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join("  ")
      .trimEnd();
  return [
    format(rows[0]!),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...rows.slice(1).map(format),
  ];
}

/**
 * What a run's calls that have no recorded reply may cost, in words; `undefined` when
 * there are none.
 */
export function possiblyBilledNote(billed: PossiblyBilled | undefined): string | undefined {
  if (!billed || billed.calls === 0) return undefined;
  const calls = billed.calls === 1 ? "1 model call" : `${billed.calls} model calls`;
  return `Possibly billed: ${calls} started whose reply was never recorded (in flight, or cut short by a crash; ~${tokens(billed.estimatedInputTokens)} of input by Baton's count), not in the totals above`;
}
