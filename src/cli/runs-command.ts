import type { RunStatus } from "../core/ports/run-store.js";
import { foldRunLog } from "../core/run/fold-run-log.js";
import { formatCents, formatDuration, formatTimestamp, isoTime } from "../views/format-values.js";
import { formatTable } from "../views/text-table.js";
import type { CliContext } from "./cli-context.js";
import { ExitCode } from "./exit-code.js";
import { openStore, storeLabel, storeMissing } from "./open-store.js";

/** The flags of `baton runs`. */
export interface RunsCommandOptions {
  /** Runs to show, newest first. @default 20 */
  limit?: number;
  /** Only runs with this status. */
  status?: RunStatus;
  /** Print a JSON array instead of a table. @default false */
  json?: boolean;
  store?: string;
}

/**
 * `baton runs`: the most recent top-level runs in the store (sub-workflow and subagent
 * runs are left out), newest first: id, workflow, status, start, duration and cost.
 */
export async function runsCommand(
  options: RunsCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const { limit = 20, status, json = false } = options;
  if (storeMissing(context, options.store)) {
    if (json) context.stdout.write("[]\n");
    else context.stdout.write(`No runs yet (no store at ${storeLabel(context, options.store)}).\n`);
    return ExitCode.success;
  }
  const store = await openStore(context, options.store, { readOnly: true });
  try {
    const records = await store.listRuns(status ? { status } : {});
    const runs = [];
    for (const record of records.filter((run) => run.parentId === undefined).slice(0, limit)) {
      const state = foldRunLog(await store.readLog(record.id), { runId: record.id });
      const startedAt = state.startedAt ?? record.createdAt;
      const endedAt = state.endedAt ?? (record.status === "running" ? undefined : record.updatedAt);
      runs.push({
        id: record.id,
        workflow: record.workflow,
        status: record.status,
        started: startedAt,
        durationMs: endedAt !== undefined ? endedAt - startedAt : undefined,
        costCents: state.cost.totalCents,
        unpriced: state.cost.unpricedModels.length > 0,
      });
    }
    if (json) {
      const rows = runs.map((run) => ({
        ...run,
        started: isoTime(run.started),
        durationMs: run.durationMs ?? null,
      }));
      context.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return ExitCode.success;
    }
    if (runs.length === 0) {
      context.stdout.write(`No runs${status ? ` with status ${status}` : ""} yet.\n`);
      return ExitCode.success;
    }
    const table = formatTable(
      ["id", "workflow", "status", "started (UTC)", "duration", "cost"],
      runs.map((run) => [
        run.id,
        run.workflow,
        run.status,
        formatTimestamp(run.started),
        formatDuration(run.durationMs),
        formatCents(run.costCents, { partial: run.unpriced && run.costCents !== null }),
      ]),
      { alignRight: [4, 5] },
    );
    context.stdout.write(`${table}\n`);
    return ExitCode.success;
  } finally {
    await store.close();
  }
}
