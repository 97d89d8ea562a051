import type { BatonEvent } from "../core/events.js";
import type { RunStore } from "../core/ports/run-store.js";
import { progressView } from "../events/index.js";
import { loadRunTrace } from "../views/index.js";
import type { CliContext } from "./cli-context.js";
import type { ExitCode } from "./exit-code.js";
import { type PrintRunOptions, printRun } from "./print-run.js";

/** What `followRun` follows: a workflow run, or an orchestrator run. */
export interface FollowedRun {
  id: string;
  events: AsyncIterable<BatonEvent>;
  result: Promise<unknown>;
  cancel(reason?: string): void;
}

export interface FollowRunOptions extends PrintRunOptions {
  /** Draws the progress on stderr. @default the workflow progress view */
  progress?: (events: AsyncIterable<BatonEvent>, stderr: CliContext["stderr"]) => Promise<unknown>;
}

/**
 * Follows a run until it ends, then prints it from the store (`printRun`): a live
 * progress view on stderr, with the progress the run's events carry (redrawn in place on
 * a terminal, plain lines elsewhere) unless `json`, and `run.cancel()` when the context's
 * signal aborts (Ctrl-C), so the log records the cancellation. Resolves with the exit code `printRun` returns.
 */
export async function followRun(
  run: FollowedRun,
  store: RunStore,
  context: CliContext,
  { json = false, storeFlag, progress }: FollowRunOptions = {},
): Promise<ExitCode> {
  const cancel = () => run.cancel("interrupted (SIGINT/SIGTERM)");
  if (context.signal?.aborted) cancel();
  context.signal?.addEventListener("abort", cancel, { once: true });
  try {
    if (!json && progress) await progress(run.events, context.stderr);
    else if (!json) {
      await progressView(run, {
        stream: context.stderr,
        ...(context.clock ? { clock: context.clock } : {}),
      });
    }
    // An orchestrator's result rejects when its run did not succeed; the report says why.
    await run.result.catch(() => {});
  } finally {
    context.signal?.removeEventListener("abort", cancel);
  }
  return printRun(await loadRunTrace({ store, runId: run.id }), context, { json, storeFlag });
}
