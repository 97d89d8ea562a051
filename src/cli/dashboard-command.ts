import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import { ExitCode } from "./exit-code.js";
import { openStore, storeLabel } from "./open-store.js";

/** The flags of `baton dashboard`. */
export interface DashboardCommandOptions {
  /** The port on 127.0.0.1. @default a free one */
  port?: number;
  store?: string;
}

function until(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener("abort", () => resolve(), { once: true });
  });
}

/**
 * `baton dashboard`: serves the dashboard of the store's runs on 127.0.0.1 and prints its
 * URL (with the access token) until SIGINT or SIGTERM; then closes it and exits 0. Runs of
 * spec files can be replayed, forked and resumed from their pages.
 */
export async function dashboardCommand(
  options: DashboardCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const store = await openStore(context, options.store, { mustExist: true });
  try {
    const { dashboard } = await import("../dashboard/index.js");
    const label = storeLabel(context, options.store);
    const board = await dashboard({
      store,
      label,
      ...(options.port !== undefined ? { port: options.port } : {}),
      build: { env: context.env, ...(context.clock ? { clock: context.clock } : {}) },
    }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === "EADDRINUSE") {
        throw new CliInputError(
          `Port ${options.port} on 127.0.0.1 is in use: pick another with --port, or leave it out for a free one.`,
        );
      }
      throw error;
    });
    context.stdout.write(
      `Baton dashboard of ${label}\n  ${board.url}\nOpen that URL (it carries the access token). Ctrl-C stops it.\n`,
    );
    await until(context.signal);
    await board.close();
    context.stdout.write("Dashboard stopped.\n");
    return ExitCode.success;
  } finally {
    await store.close();
  }
}
