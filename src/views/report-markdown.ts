import type { ReportBlock, ReportDocument } from "./report-document.js";
import type { TableData } from "./text-table.js";

/** A fence longer than any run of backticks in `text`, so the text cannot close it. */
function fence(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(Math.max(3, longest + 1));
}

/**
 * Text that Markdown shows as it is: backslashes, backticks, asterisks, brackets and angle
 * brackets (emphasis, code, links, HTML) are escaped. Underscores are left alone: GitHub
 * does not read them inside words (`run_1f2e`) as emphasis.
 */
const plainText = (text: string) => text.replace(/([\\`*[\]<>])/g, "\\$1");

/** A table cell: one line, escaped, pipes too. */
const cell = (text: string) => plainText(text.replace(/\r?\n/g, " ")).replace(/\|/g, "\\|");

function table({ header, rows, alignRight }: TableData): string {
  const right = new Set(alignRight);
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [
    line(header),
    `|${header.map((_, column) => (right.has(column) ? " ---: " : " --- ")).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

function block(item: ReportBlock): string {
  switch (item.kind) {
    case "heading":
      return `${"#".repeat(item.level)} ${plainText(item.text)}`;
    case "paragraph":
      return plainText(item.text);
    case "fields":
      return item.fields.map(([label, value]) => `- **${label}:** ${plainText(value)}`).join("\n");
    case "table":
      return table(item.table);
    case "preformatted": {
      const marks = fence(item.text);
      return `${marks}text\n${item.text}\n${marks}`;
    }
    case "list":
      return item.items.map((text) => `- ${plainText(text)}`).join("\n");
  }
}

/** A report as GitHub-flavoured Markdown: headings, a list of fields, tables, fenced text. */
export function reportMarkdown(document: ReportDocument): string {
  return `${document.blocks.map(block).join("\n\n")}\n`;
}
