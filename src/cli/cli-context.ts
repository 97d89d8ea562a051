import type { Clock } from "../core/ports/clock.js";
import type { IdGenerator } from "../core/ports/id-generator.js";

/** Where the CLI writes: `process.stdout` / `process.stderr`, or anything with `write`. */
export interface CliStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** The terminal's width, when it is one. */
  columns?: number;
}

/**
 * Everything a command reads from or writes to its surroundings, so commands run the same
 * in a process (`processContext()`) and in-process in tests (streams that collect text, a
 * temp dir as `cwd`, an env without API keys).
 */
export interface CliContext {
  /** Results: tables, traces, `--json` output. */
  stdout: CliStream;
  /** Progress, hints and errors. */
  stderr: CliStream;
  /** Environment variables: API keys, provider base URLs, `BATON_STORE`. */
  env: Record<string, string | undefined>;
  /** Relative paths (specs, `--store`) are resolved against this directory. */
  cwd: string;
  /** Stops long-running commands (a run is cancelled, the scheduler stops). */
  signal?: AbortSignal;
  /** Where runs take their time from. @default systemClock */
  clock?: Clock;
  /** Where run ids come from. @default randomIdGenerator */
  ids?: IdGenerator;
}

/**
 * The directory the user ran `baton` from. `npm run baton` (this repository's own script)
 * runs in the repository's root, and npm passes the directory the user stood in as
 * `INIT_CWD`; relative paths are the user's, so they are read from there.
 */
export function userDirectory(env: Record<string, string | undefined>, cwd: string): string {
  const ownScript = env.npm_lifecycle_event === "baton" && env.npm_package_name === "baton-ai";
  return ownScript && env.INIT_CWD ? env.INIT_CWD : cwd;
}

/**
 * The context of the `baton` process: its streams, environment and working directory,
 * and a signal that aborts on the first SIGINT or SIGTERM (a second one exits at once).
 */
export function processContext(): CliContext & { dispose(): void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === "SIGINT" ? 130 : 143);
    controller.abort(new Error(`received ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // The cost table names unpriced models (and how to price them); the warning would repeat it.
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const options = rest[0];
    const type =
      typeof options === "string"
        ? options
        : ((options as { type?: string } | undefined)?.type ??
          (warning instanceof Error ? warning.name : undefined));
    if (type === "BatonPriceWarning") return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: userDirectory(process.env, process.cwd()),
    signal: controller.signal,
    dispose() {
      process.emitWarning = emitWarning;
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
