import { SpecError, type SpecIssue } from "../spec/spec-error.js";
import type { CliContext } from "./cli-context.js";
import { ExitCode } from "./exit-code.js";
import { cliSpecTools, readSpecFile } from "./spec-file.js";

/** The flags of `baton check`. */
export interface CheckCommandOptions {
  /** Print one JSON object (`ok`, and `name` and `steps`, or `problems`) and nothing else. @default false */
  json?: boolean;
}

/** What `baton check --json` prints. */
export type CheckReport =
  | {
      ok: true;
      source: string;
      kind: "workflow";
      name: string;
      steps: number;
      /** MCP servers in the tools section, not started: agents' tool names were not checked. */
      unstarted: string[];
    }
  | {
      ok: true;
      source: string;
      kind: "orchestrator";
      name: string | undefined;
      unstarted: string[];
    }
  | { ok: false; source: string; problems: SpecIssue[] };

/**
 * `baton check <spec>`: validates a spec as `baton run` would, without running it, starting
 * MCP servers or needing API keys. Prints `ok: <name> (<n> steps)` and exits 0, or prints
 * every problem as `file:line:column: path: message` and exits 2. Ctrl-C stops even a huge
 * spec's validation (the context's signal).
 */
export async function checkCommand(
  source: string,
  options: CheckCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  let report: CheckReport;
  try {
    report = await check(source, context);
  } catch (error) {
    if (!SpecError.isInstance(error)) throw error;
    report = { ok: false, source, problems: [...error.issues] };
  }
  if (options.json) {
    context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (report.ok) {
    const size =
      report.kind === "workflow"
        ? `${report.steps} step${report.steps === 1 ? "" : "s"}`
        : "orchestrator";
    context.stdout.write(`ok: ${report.name ?? source} (${size})\n`);
    if (report.unstarted.length > 0) {
      context.stderr.write(
        `note: the MCP servers ${report.unstarted.join(", ")} were not started, so agents' tool names were not checked\n`,
      );
    }
  } else {
    for (const problem of report.problems)
      context.stdout.write(`${formatProblem(source, problem)}\n`);
    const count = report.problems.length;
    context.stderr.write(`baton: ${count} problem${count === 1 ? "" : "s"} in ${source}\n`);
  }
  return report.ok ? ExitCode.success : ExitCode.badInput;
}

async function check(source: string, context: CliContext): Promise<CheckReport> {
  const file = await readSpecFile(source, context);
  const { spec } = file;
  // MCP entries are checked (their ${NAME} variables too) but not started.
  const tools = await cliSpecTools(spec, file, context, { startServers: false });
  const { unstarted } = tools;
  if (spec.kind === "orchestrator")
    return { ok: true, source, kind: "orchestrator", name: spec.name, unstarted };
  return {
    ok: true,
    source,
    kind: "workflow",
    name: spec.name,
    steps: spec.steps.length,
    unstarted,
  };
}

/** `research.yaml:14:17: steps[1].dependsOn[0]: unknown step "factz"`, as compilers print. */
function formatProblem(source: string, { path, message, line, column }: SpecIssue): string {
  const position = line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ""}` : "";
  return `${source}${position}: ${path === "" ? "(spec)" : path}: ${message}`;
}
