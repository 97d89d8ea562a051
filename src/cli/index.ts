/**
 * The `baton` command line, runnable in-process: `runCli(argv, context)` resolves with the
 * exit code instead of exiting, and writes to the context's streams.
 * @module baton/cli
 */
export type { CliContext, CliStream } from "./cli-context.js";
export { processContext } from "./cli-context.js";
export { CliInputError } from "./cli-input-error.js";
export { ExitCode } from "./exit-code.js";
export { runCli } from "./run-cli.js";
