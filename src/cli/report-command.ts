import { writeFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { type DocumentGenerationEvent, type ReportFormat, report } from "../views/index.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import { ExitCode } from "./exit-code.js";
import { openStore, requireRun } from "./open-store.js";

/** The flags of `baton report`. */
export interface ReportCommandOptions {
  /** @default "pdf" when `--out` ends in `.pdf`, else "md" */
  format?: ReportFormat;
  /** The file to write. @default Markdown on stdout; a PDF to `<runId>.pdf` */
  out?: string;
  /** @default "Run report: <workflow>" */
  title?: string;
  store?: string;
}

/** `Wrote report.pdf (PDF, 2 pages, 12,345 bytes)` */
function wroteLine(path: string, event: DocumentGenerationEvent): string {
  const parts = [
    event.format === "pdf" ? "PDF" : "Markdown",
    ...(event.pages !== undefined ? [`${event.pages} page${event.pages === 1 ? "" : "s"}`] : []),
    `${(event.bytes ?? 0).toLocaleString("en-US")} bytes`,
  ];
  return `Wrote ${path} (${parts.join(", ")})`;
}

/**
 * `baton report <runId>`: a report of a run and the runs it started (summary, output, each
 * agent's results, flowchart, tool trace, usage and cost tables, errors), as Markdown on
 * stdout or in `--out`, or as a PDF file. The store is opened read-only.
 */
export async function reportCommand(
  runId: string,
  options: ReportCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const format =
    options.format ?? (options.out && extname(options.out).toLowerCase() === ".pdf" ? "pdf" : "md");
  const out = options.out ?? (format === "pdf" ? `${runId}.pdf` : undefined);
  const store = await openStore(context, options.store, { readOnly: true, mustExist: true });
  let written: DocumentGenerationEvent | undefined;
  let document: string | Uint8Array;
  try {
    await requireRun(store, runId, context, options.store);
    document = await report(
      { store, runId },
      {
        format,
        ...(options.title !== undefined ? { title: options.title } : {}),
        onEvent: (event) => {
          if (event.type === "document-generation-end") written = event;
        },
        ...(context.signal ? { signal: context.signal } : {}),
      },
    );
  } finally {
    await store.close();
  }
  if (out === undefined) {
    context.stdout.write(document as string);
    return ExitCode.success;
  }
  const path = resolve(context.cwd, out);
  try {
    await writeFile(path, document);
  } catch (error) {
    throw new CliInputError(`Cannot write the report to ${out}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (written) context.stderr.write(`${wroteLine(out, written)}\n`);
  return ExitCode.success;
}
