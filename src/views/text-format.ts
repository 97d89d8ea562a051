/** Small text helpers shared by the flowchart, the tool trace and the tables (internal). */
import { formatCents } from "./format-values.js";
import type { Spend } from "./run-spend.js";

/** `12,345 tokens` */
export function tokens(count: number): string {
  return `${count.toLocaleString("en-US")} tokens`;
}

/** `238 tokens · 256.2000¢`: tokens, and model plus tool cents (`unknown` when unpriced). */
export function spendText(spend: Pick<Spend, "usage" | "totalCents">): string {
  return `${tokens(spend.usage.totalTokens)} · ${formatCents(spend.totalCents)}`;
}

/** `✓` succeeded, `✗` failed or cancelled, `○` skipped, `⏸` waiting, `…` running, `·` not started. */
export function statusMark(status: string): string {
  return (
    (
      {
        succeeded: "✓",
        failed: "✗",
        cancelled: "✗",
        skipped: "○",
        waiting: "⏸",
        running: "…",
        pending: "·",
      } as Record<string, string>
    )[status] ?? "?"
  );
}

/** A call's mark: `✓` succeeded, `✗` failed, `…` never ended. */
export function callMark(ok: boolean | undefined): string {
  return statusMark(ok === true ? "succeeded" : ok === false ? "failed" : "running");
}

/** `1 step`, `2 steps` */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** An ASCII box around `lines`, each cut to fit `maxWidth` characters in all. */
export function box(lines: readonly string[], maxWidth = 76): string[] {
  const inner = Math.max(8, maxWidth - 4);
  const cut = lines.map((line) => (line.length > inner ? `${line.slice(0, inner - 1)}…` : line));
  const width = Math.max(...cut.map((line) => line.length), 8);
  const border = `+${"-".repeat(width + 2)}+`;
  return [border, ...cut.map((line) => `| ${line.padEnd(width)} |`), border];
}

type Leads = { first: string; middle: string; lastFirst: string; lastMiddle: string };

function hang(children: readonly (readonly string[])[], leads: Leads): string[] {
  const lines: string[] = [];
  children.forEach((child, index) => {
    const last = index === children.length - 1;
    child.forEach((line, position) => {
      const lead =
        position === 0
          ? last
            ? leads.lastFirst
            : leads.first
          : last
            ? leads.lastMiddle
            : leads.middle;
      lines.push(`${lead}${line}`.trimEnd());
    });
  });
  return lines;
}

/**
 * Hangs `children` (each a block of lines) under a trunk: `|-- ` before each block's first
 * line, `|   ` before the rest, and `` `-- `` / spaces for the last block.
 */
export function branches(children: readonly (readonly string[])[]): string[] {
  return hang(children, { first: "|-- ", middle: "|   ", lastFirst: "`-- ", lastMiddle: "    " });
}

/** Like `branches`, with box-drawing characters (for the tool trace). */
export function tree(children: readonly (readonly string[])[]): string[] {
  return hang(children, { first: "├─ ", middle: "│  ", lastFirst: "└─ ", lastMiddle: "   " });
}
