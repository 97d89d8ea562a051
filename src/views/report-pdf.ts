import PDFDocument from "pdfkit";
import type { ReportBlock, ReportDocument } from "./report-document.js";
import { tableText } from "./text-table.js";

/**
 * The PDF's built-in fonts (Helvetica, Courier) encode WinAnsi only. The views' marks and
 * tree lines become one ASCII character each, so columns and boxes stay aligned.
 */
const ASCII_FOR: Record<string, string> = {
  "✓": "+",
  "✗": "x",
  "○": "o",
  "⏸": "=",
  "→": ">",
  "≤": "<",
  "─": "-",
  "│": "|",
  "├": "|",
  "└": "`",
  "█": "#",
  "░": ".",
};

/** Code points above Latin-1 that WinAnsi has (dashes, quotes, ellipsis, bullet, euro...). */
const WIN_ANSI_EXTRA = new Set([
  0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017d, 0x017e, 0x0192, 0x02c6, 0x02dc, 0x2013, 0x2014,
  0x2018, 0x2019, 0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039,
  0x203a, 0x20ac, 0x2122,
]);

/** `text` in characters the built-in fonts can draw: marks mapped, anything else `?`. */
export function pdfSafe(text: string): string {
  let safe = "";
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (ASCII_FOR[character] !== undefined) safe += ASCII_FOR[character];
    else if (character === "\t") safe += "  ";
    else if ((code >= 0x20 && code < 0x7f) || code === 0x0a) safe += character;
    else if ((code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code)) safe += character;
    else safe += "?";
  }
  return safe;
}

const PAGE = { margin: 50, footer: 28 };
const BODY = { font: "Helvetica", bold: "Helvetica-Bold", size: 10 };
/** Courier's glyphs are 0.6 em wide. Text that fits nowhere between the sizes is wrapped at `wrapSize`. */
const MONO = { font: "Courier", maxSize: 9, minSize: 6.5, wrapSize: 8, charWidth: 0.6 };
const KEEP_WITH_NEXT = 72;
const HEADING_SIZE = { 1: 18, 2: 14, 3: 11 } as const;

/**
 * Lines no wider than `columns`; a longer one goes on over the next lines, indented, broken
 * after a space when one is near the end (prose), else at the column (JSON, ids).
 */
function wrapLines(text: string, columns: number): string[] {
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    let rest = line;
    let width = columns;
    while (rest.length > width) {
      const space = rest.lastIndexOf(" ", width);
      const cut = space > width / 2 ? space + 1 : width;
      lines.push(`${width < columns ? "  " : ""}${rest.slice(0, cut).trimEnd()}`);
      rest = rest.slice(cut);
      width = columns - 2;
    }
    lines.push(`${width < columns ? "  " : ""}${rest}`);
  }
  return lines;
}

/**
 * Monospace text at the largest size (up to 9 pt) at which its longest line fits, so boxes
 * and tables keep their columns; when it would take less than 6.5 pt, at 8 pt, long lines
 * wrapped.
 */
function monospace(doc: PDFKit.PDFDocument, text: string, width: number): void {
  const safe = pdfSafe(text);
  const longest = Math.max(1, ...safe.split("\n").map((line) => line.length));
  const fit = (width * 0.98) / (longest * MONO.charWidth);
  const size = fit < MONO.minSize ? MONO.wrapSize : Math.min(MONO.maxSize, fit);
  const columns = Math.floor((width * 0.98) / (size * MONO.charWidth));
  doc.font(MONO.font).fontSize(size);
  const height = doc.currentLineHeight(true);
  const left = doc.page.margins.left;
  let y = doc.y;
  for (const line of wrapLines(safe, columns)) {
    if (y + height > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      y = doc.page.margins.top;
    }
    // Without a width pdfkit draws the line as it is, spaces and columns kept, and leaves
    // the line to us.
    doc.text(line, left, y, { lineBreak: false });
    y += height;
  }
  doc.x = left;
  doc.y = y;
}

function drawBlock(doc: PDFKit.PDFDocument, block: ReportBlock, width: number): void {
  const left = doc.page.margins.left;
  switch (block.kind) {
    case "heading":
      if (block.level > 1) doc.moveDown(0.6);
      // A heading stays with what follows it: not alone at the foot of a page.
      if (doc.y + KEEP_WITH_NEXT > doc.page.height - doc.page.margins.bottom) doc.addPage();
      doc
        .font(BODY.bold)
        .fontSize(HEADING_SIZE[block.level])
        .text(pdfSafe(block.text), left, undefined, { width });
      doc.moveDown(0.3);
      return;
    case "paragraph":
      doc.font(BODY.font).fontSize(BODY.size).text(pdfSafe(block.text), left, undefined, { width });
      doc.moveDown(0.4);
      return;
    case "fields":
      doc.fontSize(BODY.size);
      for (const [label, value] of block.fields) {
        doc
          .font(BODY.bold)
          .text(`${pdfSafe(label)}: `, left, undefined, { width, continued: true })
          .font(BODY.font)
          .text(pdfSafe(value));
      }
      doc.moveDown(0.4);
      return;
    case "table":
      monospace(doc, tableText(block.table), width);
      doc.moveDown(0.6);
      return;
    case "preformatted":
      monospace(doc, block.text, width);
      doc.moveDown(0.6);
      return;
    case "list":
      doc.font(BODY.font).fontSize(BODY.size);
      for (const item of block.items) {
        doc.text(`\u2022 ${pdfSafe(item)}`, left + 8, undefined, { width: width - 8 });
      }
      doc.moveDown(0.4);
      return;
  }
}

/** What `reportPdf` wrote. */
export interface PdfBytes {
  bytes: Uint8Array;
  pages: number;
}

/**
 * A report as an A4 PDF: Helvetica for text, Courier (a built-in monospace font) for the
 * flowchart, the trace, outputs and tables, and the title and page number at the foot of
 * every page.
 */
export async function reportPdf(document: ReportDocument): Promise<PdfBytes> {
  const doc = new PDFDocument({
    size: "A4",
    margins: {
      top: PAGE.margin,
      bottom: PAGE.margin + PAGE.footer,
      left: PAGE.margin,
      right: PAGE.margin,
    },
    bufferPages: true,
    info: { Title: pdfSafe(document.title), Subject: `Run ${document.runId}`, Creator: "Baton" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  const width = doc.page.width - PAGE.margin * 2;
  for (const block of document.blocks) drawBlock(doc, block, width);

  const { start, count } = doc.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index);
    // Writing below the bottom margin would start a new page: lift the margin while drawing the foot.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(BODY.font)
      .fontSize(8)
      .fillColor("#555555")
      .text(
        `${pdfSafe(document.title)} · page ${index - start + 1} of ${count}`,
        PAGE.margin,
        doc.page.height - PAGE.margin - 10,
        { width, align: "center", lineBreak: false },
      );
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await ended;
  return { bytes: Buffer.concat(chunks), pages: count };
}
