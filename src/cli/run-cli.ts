import { Command, CommanderError, Option } from "commander";
import { ConfigurationError } from "../core/errors/configuration-error.js";
import { RUN_STATUSES } from "../core/ports/run-store.js";
// The error class alone (not the durable module), so `baton --version` stays quick.
import { DurableError } from "../durable/durable-error.js";
import type { ApprovalsCommandOptions } from "./approvals-command.js";
import type { CheckCommandOptions } from "./check-command.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import type { DashboardCommandOptions } from "./dashboard-command.js";
import type { DecisionCommandOptions } from "./decision-command.js";
import type { DemoCommandOptions } from "./demo-command.js";
import { ExitCode } from "./exit-code.js";
import { packageVersion } from "./package-version.js";
import {
  collectInputPair,
  parseNonNegativeNumber,
  parsePort,
  parsePositiveInteger,
  parseSince,
} from "./parse-flags.js";
import type { ReportCommandOptions } from "./report-command.js";
import type { ResumeCommandOptions } from "./resume-command.js";
import type { RunCommandOptions } from "./run-command.js";
import type { RunsCommandOptions } from "./runs-command.js";
import type { SchedulerCommandOptions } from "./scheduler-command.js";
import type { ShowCommandOptions } from "./show-command.js";
import type { StatsCommandOptions } from "./stats-command.js";
import type { WorkerCommandOptions } from "./worker-command.js";

/**
 * Runs one `baton` command line (`argv` without `node` and the script) in `context` and
 * resolves with the exit code: 0 success (a run that waits for an approval included),
 * 1 the run failed, 2 bad input. Never calls `process.exit`, so tests run it in-process.
 *
 * @example process.exitCode = await runCli(process.argv.slice(2), processContext());
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.success;
  const program = createProgram(context, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    return reportError(error, context);
  }
}

/** Durable refusals that mean the command line named something that is not there. */
const BAD_INPUT_CODES = new Set([
  "run-not-found",
  "workflow-not-found",
  "run-owned",
  "child-run",
  "no-pending-approval",
  "schedule-not-found",
  "step-not-found",
]);

function reportError(error: unknown, context: CliContext): ExitCode {
  if (error instanceof CommanderError) {
    // Commander has printed the message (or the help / version) already.
    return error.exitCode === 0 ? ExitCode.success : ExitCode.badInput;
  }
  if (
    CliInputError.isInstance(error) ||
    ConfigurationError.isInstance(error) ||
    (DurableError.isInstance(error) && BAD_INPUT_CODES.has(error.code))
  ) {
    context.stderr.write(`baton: ${(error as Error).message}\n`);
    return ExitCode.badInput;
  }
  const failure = error instanceof Error ? error : new Error(String(error));
  context.stderr.write(`baton: ${failure.name}: ${failure.message}\n`);
  if (context.env.BATON_DEBUG) context.stderr.write(`${failure.stack ?? ""}\n`);
  return ExitCode.runFailed;
}

function createProgram(context: CliContext, setExit: (code: ExitCode) => void): Command {
  const program = new Command("baton")
    .description("Run teams of LLM agents from workflow specs, and inspect their runs.")
    .version(packageVersion(), "-v, --version", "print Baton's version")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .showHelpAfterError("(add --help for usage)")
    .allowExcessArguments(false);

  const storeOption = () =>
    new Option(
      "--store <location>",
      "the run store: an SQLite file (a path or sqlite:<path>), postgres://user:password@host:port/db, or memory:",
    ).default(undefined, "$BATON_STORE, else .baton/baton.db");
  // Commands are loaded when used, so `baton --version` does not load the AI SDK.
  const act = async (command: Promise<ExitCode>) => setExit(await command);

  program
    .command("run")
    .description("run a workflow spec (or an orchestrator task) and print its trace and cost")
    .argument("<spec>", "a YAML or JSON spec file")
    .option("--json", "print one JSON object (status, output, steps, usage, cost) and nothing else")
    .option("--concurrency <n>", "steps running at once", parsePositiveInteger)
    .option(
      "--budget-cents <n>",
      "stop the run once it has spent this many US cents",
      parseNonNegativeNumber,
    )
    .option(
      "--input <name=value>",
      "an input of the run (repeatable); typed by the spec's inputs",
      collectInputPair,
      [],
    )
    .option(
      "--queue <url>",
      "send the steps to workers on this queue (redis://host:port; see baton worker)",
    )
    .addOption(storeOption())
    .action((spec: string, options: RunCommandOptions) =>
      act(import("./run-command.js").then(({ runCommand }) => runCommand(spec, options, context))),
    );

  program
    .command("check")
    .description("validate a spec without running it: ok, or every problem with its line")
    .argument("<spec>", "a YAML or JSON spec file")
    .option("--json", "print one JSON object (ok, name and steps, or problems)")
    .action((spec: string, options: CheckCommandOptions) =>
      act(
        import("./check-command.js").then(({ checkCommand }) =>
          checkCommand(spec, options, context),
        ),
      ),
    );

  program
    .command("runs")
    .description("list recent runs: id, workflow, status, start, duration, cost")
    .option("--limit <n>", "runs to list", parsePositiveInteger, 20)
    .addOption(new Option("--status <status>", "only runs with this status").choices(RUN_STATUSES))
    .option("--json", "print a JSON array")
    .addOption(storeOption())
    .action((options: RunsCommandOptions) =>
      act(import("./runs-command.js").then(({ runsCommand }) => runsCommand(options, context))),
    );

  program
    .command("show")
    .description("show one run: output, trace and cost table, or one view")
    .argument("<runId>", "the run's id (see baton runs)")
    .option("--flowchart", "the steps as a text flowchart, with how each ended")
    .option("--trace", "every step, model call and tool call, with times")
    .option("--mermaid", "the steps as a Mermaid flowchart")
    .option("--json", "the run report as JSON (as baton run --json prints it)")
    .option(
      "--follow",
      "wait for the run to end, whichever process runs it, printing its steps on stderr as they happen; then show it",
    )
    .addOption(storeOption())
    .action((runId: string, options: ShowCommandOptions) =>
      act(
        import("./show-command.js").then(({ showCommand }) => showCommand(runId, options, context)),
      ),
    );

  program
    .command("report")
    .description(
      "write a report of one run: summary, agents, flowchart, trace, usage, cost, errors",
    )
    .argument("<runId>", "the run's id (see baton runs)")
    .addOption(
      new Option("--format <format>", "Markdown or PDF")
        .choices(["md", "pdf"])
        .default(undefined, "pdf when --out ends in .pdf, else md"),
    )
    .option("--out <file>", "the file to write (default: Markdown on stdout, a PDF to <runId>.pdf)")
    .option("--title <text>", "the report's title (default: Run report: <workflow>)")
    .addOption(storeOption())
    .action((runId: string, options: ReportCommandOptions) =>
      act(
        import("./report-command.js").then(({ reportCommand }) =>
          reportCommand(runId, options, context),
        ),
      ),
    );

  program
    .command("resume")
    .description("continue a run that was interrupted or waited for an approval")
    .argument("<runId>", "the run's id")
    .option("--json", "print one JSON object, as baton run --json")
    .option(
      "--force",
      "take the run even when its owner's heartbeat is fresh (its process is known to be dead)",
    )
    .option(
      "--queue <url>",
      "send the steps to workers on this queue, taking over those still running there",
    )
    .addOption(storeOption())
    .action((runId: string, options: ResumeCommandOptions) =>
      act(
        import("./resume-command.js").then(({ resumeCommand }) =>
          resumeCommand(runId, options, context),
        ),
      ),
    );

  program
    .command("approvals")
    .description("list the steps and tool calls that wait for a human decision")
    .option("--run <runId>", "only this run")
    .option("--json", "print a JSON array")
    .addOption(storeOption())
    .action((options: ApprovalsCommandOptions) =>
      act(
        import("./approvals-command.js").then(({ approvalsCommand }) =>
          approvalsCommand(options, context),
        ),
      ),
    );

  for (const decision of ["approve", "reject"] as const) {
    program
      .command(decision)
      .description(`${decision} a step that waits for an approval`)
      .argument("<runId>", "the run's id")
      .argument("<stepId>", "the step that waits")
      .option("--comment <text>", "why; recorded with the decision")
      .addOption(storeOption())
      .action((runId: string, stepId: string, options: DecisionCommandOptions) =>
        act(
          import("./decision-command.js").then(({ decisionCommand }) =>
            decisionCommand(decision, runId, stepId, options, context),
          ),
        ),
      );
  }

  program
    .command("scheduler")
    .description("run scheduled workflows until SIGINT or SIGTERM")
    .option("--poll-ms <ms>", "how often to look at the schedules", parsePositiveInteger, 1000)
    .addOption(storeOption())
    .action((options: SchedulerCommandOptions) =>
      act(
        import("./scheduler-command.js").then(({ schedulerCommand }) =>
          schedulerCommand(options, context),
        ),
      ),
    );

  program
    .command("worker")
    .description(
      "run the steps owners send to a queue, for the workflows given, until SIGINT or SIGTERM",
    )
    .option("--queue <url>", "the queue's Redis: redis://host:port (default: $BATON_QUEUE)")
    .option(
      "--workflows <file>",
      "a workflow spec (YAML or JSON) or a module exporting workflows and agents (repeatable)",
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option("--concurrency <n>", "steps running at once", parsePositiveInteger)
    .option("--prefix <prefix>", "the Redis key prefix owners and workers share", "baton")
    .addOption(storeOption())
    .action((options: WorkerCommandOptions) =>
      act(
        import("./worker-command.js").then(({ workerCommand }) => workerCommand(options, context)),
      ),
    );

  program
    .command("stats")
    .description("statistics over stored runs: statuses, latency, retries, usage, cost")
    .option("--since <when>", "only runs since a span ago (30m, 24h, 7d) or a date", parseSince)
    .option("--workflow <name>", "only runs of this workflow")
    .option("--json", "print the statistics as JSON")
    .addOption(storeOption())
    .action((options: StatsCommandOptions) =>
      act(import("./stats-command.js").then(({ statsCommand }) => statsCommand(options, context))),
    );

  program
    .command("dashboard")
    .description(
      "serve a local web dashboard of the runs (live steps, timeline, cost, approvals) until Ctrl-C",
    )
    .option("--port <n>", "the port on 127.0.0.1 (default: a free one)", parsePort)
    .addOption(storeOption())
    .action((options: DashboardCommandOptions) =>
      act(
        import("./dashboard-command.js").then(({ dashboardCommand }) =>
          dashboardCommand(options, context),
        ),
      ),
    );

  program
    .command("demo")
    .description("an agent with a tool on an offline model: the answer and what it cost")
    .option("--question <text>", "what to ask", "How tall is the Eiffel Tower?")
    .action((options: DemoCommandOptions) =>
      act(import("./demo-command.js").then(({ demoCommand }) => demoCommand(options, context))),
    );

  return program;
}
