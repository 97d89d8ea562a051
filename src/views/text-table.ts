/** A table as data: drawn as text (`formatTable`), or as a Markdown or PDF table by reports. */
export interface TableData {
  header: string[];
  rows: string[][];
  /** Column indexes to align right (numbers). */
  alignRight: number[];
}

export interface TextTableOptions {
  /** Column indexes to align right (numbers). @default [] */
  alignRight?: readonly number[];
  /** Spaces between columns. @default 2 */
  gap?: number;
}

/**
 * A plain-text table: a header, a rule of dashes, then the rows; columns as wide as their
 * widest cell (counting code points, so `✓` and `¢` take one column).
 *
 * @example formatTable(["step", "cost"], [["plan", "0.0100¢"]], { alignRight: [1] })
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  { alignRight = [], gap = 2 }: TextTableOptions = {},
): string {
  const length = (text: string) => [...text].length;
  const widths = header.map((title, column) =>
    Math.max(length(title), ...rows.map((row) => length(row[column] ?? ""))),
  );
  const right = new Set(alignRight);
  const pad = (cell: string, column: number) => {
    const fill = " ".repeat(Math.max(0, (widths[column] ?? 0) - length(cell)));
    return right.has(column) ? fill + cell : cell + fill;
  };
  const line = (cells: readonly string[]) =>
    header
      .map((_, column) => pad(cells[column] ?? "", column))
      .join(" ".repeat(gap))
      .trimEnd();
  return [
    line(header),
    widths.map((width) => "-".repeat(width)).join(" ".repeat(gap)),
    ...rows.map(line),
  ].join("\n");
}

/** `formatTable` of a table given as data. */
export function tableText(table: TableData): string {
  return formatTable(table.header, table.rows, table);
}
