/**
 * Views of any run, live or stored, with the runs it started (sub-workflows; an
 * orchestrator's planning and delegation runs): a flowchart, a tool trace with ✓/✗, a
 * Mermaid diagram, a run report (the `--json` object), usage and cost tables, a run
 * summary, and a report for people (Markdown or PDF; `pdfkit` loads only for a PDF). Every total counts model calls and what tools reported they cost. The `baton`
 * CLI prints runs with these.
 * @module baton/views
 */
// First: on an unsupported Node.js, importing fails here with one line (see node-support.ts).
import "../require-supported-node.js";

export { costTable, usageTable } from "./cost-table.js";
export { type FlowchartOptions, flowchart } from "./flowchart.js";
export {
  type GraphSource,
  type MermaidOptions,
  type MermaidSource,
  mermaid,
} from "./mermaid.js";
export {
  type DocumentGenerationEvent,
  type ReportFormat,
  type ReportOptions,
  report,
} from "./report.js";
export {
  type AgentSpend,
  type ModelSpend,
  type RunReport,
  runReport,
  type StepReport,
  type ToolSpend,
  type WaitingApproval,
} from "./run-report.js";
export { type RunSummaryOptions, runSummary } from "./run-summary.js";
export {
  loadRunTrace,
  type TraceEvent,
  type TraceRun,
  type TraceSource,
} from "./run-trace.js";
export type { AgentRole } from "./run-view.js";
export { type ToolTraceOptions, toolTrace } from "./tool-trace.js";
