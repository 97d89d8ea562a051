import type { BatonEvent } from "../core/events.js";
import { progressView } from "../events/index.js";
import type { CliContext } from "./cli-context.js";

/** What `watchRun` follows: a workflow run, or an orchestrator run. */
export interface WatchedRun {
  events: AsyncIterable<BatonEvent>;
  result: Promise<unknown>;
  cancel(reason?: string): void;
}

export interface WatchRunOptions {
  /** No progress view (with `--json`). @default false */
  quiet?: boolean;
  /** Steps in the run, for the progress bar. */
  totalSteps?: number;
  /** Draws the progress on stderr. @default the workflow progress view */
  progress?: (events: AsyncIterable<BatonEvent>, stderr: CliContext["stderr"]) => Promise<unknown>;
}

/**
 * Follows a run until it ends: a live progress view on stderr (redrawn in place on a
 * terminal, plain lines elsewhere) unless `quiet`, and `run.cancel()` when the context's
 * signal aborts (Ctrl-C), so the log records the cancellation. Rejects when `run.result`
 * does.
 */
export async function watchRun(
  run: WatchedRun,
  context: CliContext,
  { quiet = false, totalSteps, progress }: WatchRunOptions = {},
): Promise<void> {
  const cancel = () => run.cancel("interrupted (SIGINT/SIGTERM)");
  if (context.signal?.aborted) cancel();
  context.signal?.addEventListener("abort", cancel, { once: true });
  try {
    if (!quiet && progress) await progress(run.events, context.stderr);
    else if (!quiet) {
      await progressView(run, {
        stream: context.stderr,
        ...(totalSteps !== undefined ? { totalSteps } : {}),
        ...(context.clock ? { clock: context.clock } : {}),
      });
    }
    await run.result;
  } finally {
    context.signal?.removeEventListener("abort", cancel);
  }
}
