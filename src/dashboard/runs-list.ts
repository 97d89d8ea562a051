import type { RunProgress } from "../core/events.js";
import { RUN_STATUSES, type RunStatus, type RunStore } from "../core/ports/run-store.js";
import { formatCents, formatDuration, formatTimestamp } from "../views/format-values.js";
import { reportOf } from "../views/run-report.js";
import { loadRunTrace } from "../views/run-trace.js";
import { viewRun } from "../views/run-view.js";
import { lastProgress } from "./run-figures.js";

/** Which runs the runs page lists. */
export interface RunsQuery {
  status?: RunStatus;
  /** Only runs of this workflow. */
  workflow?: string;
  /** Only runs created on or after this day (UTC, `YYYY-MM-DD`). */
  from?: string;
  /** Only runs created on or before this day (UTC, `YYYY-MM-DD`). */
  to?: string;
  /** Runs listed at most, newest first. @default 50 */
  limit?: number;
}

/** A row of the runs page: the figures are the run report's (the whole tree of the run). */
export interface RunRow {
  id: string;
  workflow: string;
  status: RunStatus;
  /** Epoch ms. */
  createdAt: number;
  started: string;
  duration: string;
  tokens: number;
  cost: string;
  /** Its steps ended of all its steps, as its log last recorded it. */
  progress: RunProgress | null;
}

const DAY_MS = 86_400_000;

/** Midnight UTC of a `YYYY-MM-DD` day; a TypeError names the parameter otherwise. */
function dayStart(name: string, day: string): number {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new TypeError(`${name}: expected a day as YYYY-MM-DD, received ${JSON.stringify(day)}`);
  }
  return time;
}

/** Reads the runs page's query parameters, checked: a TypeError names a bad one. */
export function parseRunsQuery(params: Record<string, string | undefined>): RunsQuery {
  const query: RunsQuery = {};
  const { status, workflow, from, to, limit } = params;
  if (status) {
    if (!(RUN_STATUSES as readonly string[]).includes(status)) {
      throw new TypeError(
        `status: expected one of ${RUN_STATUSES.join(", ")}, received ${JSON.stringify(status)}`,
      );
    }
    query.status = status as RunStatus;
  }
  if (workflow) query.workflow = workflow;
  if (from) query.from = from;
  if (to) query.to = to;
  if (limit) {
    const count = Number(limit);
    if (!(Number.isInteger(count) && count > 0 && count <= 1000)) {
      throw new TypeError(
        `limit: expected a whole number from 1 to 1000, received ${JSON.stringify(limit)}`,
      );
    }
    query.limit = count;
  }
  return query;
}

/**
 * The top-level runs of the store (sub-workflow, planning and delegation runs show under
 * their parent), newest first, filtered; each with its tokens, cost and duration from its
 * run report, so they count every run it started. Also the workflows there are runs of.
 */
export async function listRunRows(
  store: RunStore,
  query: RunsQuery,
): Promise<{ runs: RunRow[]; workflows: string[] }> {
  const { status, workflow, from, to, limit = 50 } = query;
  const after = from === undefined ? -Infinity : dayStart("from", from);
  const before = to === undefined ? Infinity : dayStart("to", to) + DAY_MS;
  const records = (await store.listRuns(status ? { status } : {})).filter(
    (record) => record.parentId === undefined,
  );
  const workflows = [...new Set(records.map((record) => record.workflow))].sort();
  const chosen = records
    .filter(
      (record) =>
        (workflow === undefined || record.workflow === workflow) &&
        record.createdAt >= after &&
        record.createdAt < before,
    )
    .slice(0, limit);
  const runs = await Promise.all(
    chosen.map(async (record): Promise<RunRow> => {
      const trace = await loadRunTrace({ store, runId: record.id });
      const report = reportOf(viewRun(trace));
      const { cost } = report;
      return {
        id: record.id,
        workflow: record.workflow,
        status: record.status,
        createdAt: record.createdAt,
        started: formatTimestamp(report.start ? Date.parse(report.start) : record.createdAt),
        duration: report.durationMs === null ? record.status : formatDuration(report.durationMs),
        tokens: report.usage.totalTokens,
        cost: formatCents(cost.totalCents, {
          partial: cost.unpricedModels.length > 0 && cost.totalCents !== null,
        }),
        progress: lastProgress(trace.events),
      };
    }),
  );
  return { runs, workflows };
}
