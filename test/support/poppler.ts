/**
 * Reading PDFs in tests with Debian's poppler-utils: `pdftotext` for the text, `pdfinfo`
 * for the page count, `pdftoppm` to render pages. `.ci/run` installs the package when it is
 * absent; elsewhere the tests that need it skip, saying why once.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TOOLS = ["pdftotext", "pdfinfo", "pdftoppm"] as const;

/** Why PDF tests skip here, or undefined when they run. In CI they never skip. */
export function popplerSkipReason(): string | undefined {
  const missing = TOOLS.filter(
    (tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0,
  );
  if (missing.length === 0) return undefined;
  const reason = `PDF tests skipped: ${missing.join(", ")} not found (apt-get install poppler-utils)`;
  if (process.env.CI === "true") throw new Error(`${reason}; CI=true: these tests must run`);
  process.stderr.write(`${reason}\n`);
  return reason;
}

function withFile<T>(bytes: Uint8Array, use: (path: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "baton-pdf-"));
  try {
    const path = join(dir, "document.pdf");
    writeFileSync(path, bytes);
    return use(path, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The PDF's text as `pdftotext -layout` extracts it: columns kept, pages split by form feeds. */
export function pdfText(bytes: Uint8Array): string {
  return withFile(bytes, (path) =>
    execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", path, "-"], { encoding: "utf8" }),
  );
}

/** What `pdfinfo` says: its fields by name (`Pages`, `Title`, `Page size`, ...). */
export function pdfInfo(bytes: Uint8Array): Record<string, string> {
  const text = withFile(bytes, (path) =>
    execFileSync("pdfinfo", ["-enc", "UTF-8", path], { encoding: "utf8" }),
  );
  return Object.fromEntries(
    text
      .split("\n")
      .map((line) => /^([^:]+):\s*(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1]!, match[2]!]),
  );
}

/** A page rendered in greys: `width` x `height` pixels, 0 black to 255 white, row by row. */
export interface RenderedPage {
  width: number;
  height: number;
  pixels: Uint8Array;
  /** The page as a PNG, to save as a test artifact and look at. */
  png: Buffer;
}

/** Renders page `page` (1-based) with `pdftoppm` at `dpi`. */
export function renderPage(bytes: Uint8Array, page: number, dpi = 50): RenderedPage {
  return withFile(bytes, (path, dir) => {
    const args = ["-f", String(page), "-l", String(page), "-r", String(dpi), "-singlefile"];
    execFileSync("pdftoppm", [...args, "-gray", path, join(dir, "page")]);
    execFileSync("pdftoppm", [...args, "-png", path, join(dir, "page")]);
    const pgm = readFileSync(join(dir, "page.pgm"));
    // Binary PGM: "P5", width, height, maxval, one whitespace, then a byte a pixel.
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString("latin1"));
    if (!header) throw new Error("pdftoppm wrote no PGM image");
    const [, width, height] = header.map(Number) as [number, number, number, number];
    return {
      width,
      height,
      pixels: pgm.subarray(header[0].length),
      png: readFileSync(join(dir, "page.png")),
    };
  });
}

/** The share of a page's pixels, in a band of rows, darker than mid-grey (ink). */
export function inkShare(page: RenderedPage, fromRow = 0, toRow = page.height): number {
  let dark = 0;
  for (let row = fromRow; row < toRow; row++) {
    for (let column = 0; column < page.width; column++) {
      if (page.pixels[row * page.width + column]! < 128) dark++;
    }
  }
  return dark / ((toRow - fromRow) * page.width);
}
