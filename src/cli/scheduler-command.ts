import { startScheduler } from "../durable/index.js";
import { formatTimestamp } from "../views/format-values.js";
import type { CliContext } from "./cli-context.js";
import { cliTelemetry } from "./cli-telemetry.js";
import { ExitCode } from "./exit-code.js";
import { openStore, storeLabel } from "./open-store.js";

/** The flags of `baton scheduler`. */
export interface SchedulerCommandOptions {
  store?: string;
  /** How often the schedules are looked at, in ms. @default 1000 */
  pollMs?: number;
}

/**
 * `baton scheduler`: fires the schedules saved in the store (`schedule()` in the library)
 * and resumes runs whose process died, until SIGINT or SIGTERM; then it stops firing,
 * waits for the runs it started, and exits 0. One line per firing on stdout.
 */
export async function schedulerCommand(
  options: SchedulerCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const store = await openStore(context, options.store);
  try {
    const out = (line: string) => context.stdout.write(`${line}\n`);
    const scheduler = await startScheduler({
      store,
      autoResume: true,
      start: { telemetry: await cliTelemetry() },
      build: { env: context.env, ...(context.clock ? { clock: context.clock } : {}) },
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.ids ? { ids: context.ids } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
      onFire: (fire) => {
        const next =
          fire.nextFireAt !== undefined
            ? `; next ${formatTimestamp(fire.nextFireAt)} UTC`
            : "; no next firing";
        if (fire.run) {
          out(
            `schedule ${fire.scheduleId}: started run ${fire.run.id}${fire.missed ? " (catching up)" : ""}${next}`,
          );
          fire.run.result.then((result) => out(`run ${result.runId} ${result.status}`));
        } else
          out(
            `schedule ${fire.scheduleId}: missed ${formatTimestamp(fire.slot)} UTC, skipped${next}`,
          );
      },
      onError: (error, scheduleId) => {
        context.stderr.write(
          `baton scheduler: ${scheduleId ? `schedule ${scheduleId}: ` : ""}${(error as Error).message ?? String(error)}\n`,
        );
      },
    });
    out(`Scheduler running on ${storeLabel(context, options.store)} (Ctrl-C to stop)`);
    await scheduler.done;
    await scheduler.stop();
    out("Scheduler stopped.");
    return ExitCode.success;
  } finally {
    await store.close();
  }
}
