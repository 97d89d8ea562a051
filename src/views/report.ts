import { CancelledError } from "../core/errors/cancelled-error.js";
import { checkOptions } from "../runtime/check-options.js";
import { reportDocument } from "./report-document.js";
import { reportMarkdown } from "./report-markdown.js";
import { reportOptionsRule } from "./report-options-rule.js";
import { loadRunTrace, type TraceSource } from "./run-trace.js";
import { viewRun } from "./run-view.js";

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
  checkOptions(reportOptionsRule, options, "report()");
  const {
    format = "md",
    title,
    argumentChars = 60,
    outputChars = 2000,
    width = 80,
    onEvent,
    signal,
  } = options;
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
