import type { RunPatch, RunRecord, RunStatus, RunStore } from "../core/ports/run-store.js";
import { checkListLimit } from "./argument-checks.js";
import { decodeJson, encodeJson } from "./json-text.js";

/** The columns a run record is read from in the SQL stores, in the order `toRunRecord` expects. */
export const runColumns =
  "r.id, r.workflow, r.parent_id, r.status, r.created_at, r.updated_at, r.owner, " +
  "r.heartbeat_at, r.error, r.output, i.input, i.definition, i.metadata";
export const runFrom = "FROM runs r LEFT JOIN run_inputs i ON i.run_id = r.id";

/** A row of `runColumns`, in order, as a record without the fields that are NULL. */
export function toRunRecord(row: readonly unknown[]): RunRecord {
  const [id, workflow, parentId, status, createdAt, updatedAt, owner, heartbeatAt, error, output] =
    row;
  const [input, definition, metadata] = row.slice(10);
  const record = { id, workflow } as RunRecord;
  if (parentId !== null) record.parentId = parentId as string;
  record.status = status as RunStatus;
  record.createdAt = createdAt as number;
  if (input !== null) record.input = decodeJson(input);
  if (definition !== null) record.definition = decodeJson(definition);
  if (metadata !== null) record.metadata = decodeJson(metadata) as Record<string, unknown>;
  record.updatedAt = updatedAt as number;
  if (owner !== null) record.owner = owner as string;
  if (heartbeatAt !== null) record.heartbeatAt = heartbeatAt as number;
  if (output !== null) record.output = decodeJson(output);
  if (error !== null) record.error = error as string;
  return record;
}

/** The columns of the `runs` row a patch sets, and their values (the output as JSON text). */
export function runPatchColumns(
  patch: RunPatch,
): [column: string, value: string | number | null][] {
  const columns: [string, string | number | null][] = [];
  if (patch.status !== undefined) columns.push(["status", patch.status]);
  if (patch.updatedAt !== undefined) columns.push(["updated_at", patch.updatedAt]);
  if (patch.owner !== undefined) columns.push(["owner", patch.owner]);
  if (patch.heartbeatAt !== undefined) columns.push(["heartbeat_at", patch.heartbeatAt]);
  if (patch.output !== undefined) {
    columns.push(["output", encodeJson("updateRun: patch.output", patch.output)]);
  }
  if (patch.error !== undefined) columns.push(["error", patch.error]);
  return columns;
}

/**
 * The query of `listRuns` in the SQL stores, newest first (`tieBreak` orders runs created
 * in the same millisecond, later first), with `placeholder(n)` for the n-th value (1-based);
 * undefined when nothing can match (no statuses, limit 0).
 */
export function listRunsQuery(
  options: Parameters<RunStore["listRuns"]>[0] = {},
  { placeholder, tieBreak }: { placeholder: (index: number) => string; tieBreak: string },
): { text: string; values: (string | number)[] } | undefined {
  const { status, limit, parentId } = options;
  checkListLimit("listRuns: options.limit", limit);
  const statuses: readonly RunStatus[] | undefined =
    status === undefined ? undefined : typeof status === "string" ? [status] : status;
  if (statuses?.length === 0 || limit === 0) return undefined;
  const where: string[] = [];
  const values: (string | number)[] = [];
  const next = (value: string | number) => {
    values.push(value);
    return placeholder(values.length);
  };
  if (statuses !== undefined) where.push(`r.status IN (${statuses.map(next).join(", ")})`);
  if (parentId !== undefined) where.push(`r.parent_id = ${next(parentId)}`);
  const text =
    `SELECT ${runColumns} ${runFrom}` +
    (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY r.created_at DESC, ${tieBreak} DESC` +
    (limit === undefined ? "" : ` LIMIT ${next(limit)}`);
  return { text, values };
}
