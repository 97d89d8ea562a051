import { CancelledError } from "../core/errors/cancelled-error.js";
import { reportDocument } from "./report-document.js";
import { reportMarkdown } from "./report-markdown.js";
import { loadRunTrace, type TraceSource } from "./run-trace.js";
import { viewRun } from "./run-view.js";
import { integerOption } from "./text-format.js";

/** The formats a report is written in. */
export type ReportFormat = "md" | "pdf";

/**
 * `document-generation-start` and `document-generation-end`, as `report` gives them to its
 * `onEvent`. A function step's `emit` takes them as they are: a step that writes a report
 * with `onEvent: emit` logs them in its run (stamped with the run, the step and the time).
 */
export type DocumentGenerationEvent = {
  type: "document-generation-start" | "document-generation-end";
  /** What was written: always `report` today. */
  document: "report";
  format: ReportFormat;
  title: string;
  /** The run the report is about. */
  reportedRunId: string;
  /** `-end`: the document's size, in bytes (UTF-8 for Markdown). */
  bytes?: number;
  /** `-end`, PDF only: its pages. */
  pages?: number;
};

export interface ReportOptions {
  /** `md` (GitHub-flavoured Markdown, a string) or `pdf` (A4, bytes). @default "md" */
  format?: ReportFormat;
  /** The report's title. @default "Run report: <workflow>" */
  title?: string;
  /** Characters of each tool call's arguments, and of its result, in the trace. @default 60 */
  argumentChars?: number;
  /** Characters of the run's output and of each agent's result, at most. @default 2000 */
  outputChars?: number;
  /** The flowchart's width, in characters. @default 80 */
  width?: number;
  /**
   * Receives `document-generation-start` before the report is drawn and
   * `document-generation-end` once it is written. Pass a function step's `emit` to log
   * them in that step's run.
   */
  onEvent?: (event: DocumentGenerationEvent) => void;
  /** Stops the report; it rejects with `CancelledError`. */
  signal?: AbortSignal;
}

const FORMATS: readonly ReportFormat[] = ["md", "pdf"];

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError(undefined, { cause: signal.reason });
}

/**
 * A report of a run and every run it started, for people who did not watch it: a title, a
 * summary (status, times, steps, tool calls, tokens, cost), the output, each agent's
 * results, the flowchart, the tool trace, usage and cost tables, and every error. As
 * Markdown (a string), or as a PDF (bytes; `pdfkit` is loaded only then). Every total
 * counts model calls and what tools reported they cost.
 * @example
 * await writeFile("report.md", await report({ store, runId }));
 * await writeFile("report.pdf", await report({ store, runId }, { format: "pdf" }));
 */
export function report(
  source: TraceSource,
  options?: ReportOptions & { format?: "md" },
): Promise<string>;
export function report(
  source: TraceSource,
  options: ReportOptions & { format: "pdf" },
): Promise<Uint8Array>;
export function report(source: TraceSource, options?: ReportOptions): Promise<string | Uint8Array>;
export async function report(
  source: TraceSource,
  options: ReportOptions = {},
): Promise<string | Uint8Array> {
  const { format = "md", title, onEvent, signal } = options;
  if (!FORMATS.includes(format)) {
    throw new TypeError(
      `report: expected options.format to be "md" or "pdf", received ${JSON.stringify(format)}`,
    );
  }
  if (title !== undefined && (typeof title !== "string" || title.trim() === "")) {
    throw new TypeError(
      `report: expected options.title to be a non-empty string, received ${JSON.stringify(title)}`,
    );
  }
  if (onEvent !== undefined && typeof onEvent !== "function") {
    throw new TypeError(
      `report: expected options.onEvent to be a function, received ${typeof onEvent}`,
    );
  }
  const argumentChars = integerOption("report", "argumentChars", options.argumentChars ?? 60, 10);
  const outputChars = integerOption("report", "outputChars", options.outputChars ?? 2000, 20);
  const width = integerOption("report", "width", options.width ?? 80, 40);
  throwIfAborted(signal);
  const root = viewRun(await loadRunTrace(source));
  throwIfAborted(signal);
  const document = reportDocument(root, { title, argumentChars, outputChars, width });
  const event = {
    document: "report",
    format,
    title: document.title,
    reportedRunId: document.runId,
  } as const;
  onEvent?.({ type: "document-generation-start", ...event });
  if (format === "md") {
    const markdown = reportMarkdown(document);
    onEvent?.({
      type: "document-generation-end",
      ...event,
      bytes: Buffer.byteLength(markdown, "utf8"),
    });
    return markdown;
  }
  // pdfkit (and its fonts) load only when a PDF is asked for.
  const { reportPdf } = await import("./report-pdf.js");
  throwIfAborted(signal);
  const { bytes, pages } = await reportPdf(document);
  onEvent?.({ type: "document-generation-end", ...event, bytes: bytes.byteLength, pages });
  return bytes;
}
