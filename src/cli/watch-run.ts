import type { Run } from "../core/run/run.js";
import { progressView } from "../events/index.js";
import type { CliContext } from "./cli-context.js";

/**
 * Follows a run until it ends: a live progress view on stderr (redrawn in place on a
 * terminal, plain lines elsewhere) unless `quiet`, and `run.cancel()` when the context's
 * signal aborts (Ctrl-C), so the log records the cancellation.
 */
export async function watchRun(
  run: Run,
  context: CliContext,
  { quiet = false, totalSteps }: { quiet?: boolean; totalSteps?: number } = {},
): Promise<void> {
  const cancel = () => run.cancel("interrupted (SIGINT/SIGTERM)");
  if (context.signal?.aborted) cancel();
  context.signal?.addEventListener("abort", cancel, { once: true });
  try {
    if (!quiet) {
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
