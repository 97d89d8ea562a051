import type { SQLOutputValue } from "node:sqlite";
import type { RunRecord, RunStatus } from "../../core/ports/run-store.js";
import { decodeJson } from "./sqlite-codec.js";

/** The columns a run record is read from, in the order `toRunRecord` expects. */
export const runColumns =
  "r.id, r.workflow, r.parent_id, r.status, r.created_at, r.updated_at, r.owner, " +
  "r.heartbeat_at, r.error, r.output, i.input, i.definition, i.metadata";
export const runFrom = "FROM runs r LEFT JOIN run_inputs i ON i.run_id = r.id";

/** A row of `runColumns`, in order, as a record without the fields that are NULL. */
export function toRunRecord(row: SQLOutputValue[]): RunRecord {
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
