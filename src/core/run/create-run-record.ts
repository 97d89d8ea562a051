import type { RunStore } from "../ports/run-store.js";
import { redactSecrets } from "./redact-secrets.js";

/**
 * Makes sure the store has the run's record before its first event: creates it, or, for a
 * resumed run whose record exists, marks it running again.
 */
export function createRunRecord(
  store: RunStore,
  run: {
    id: string;
    workflow: string;
    parentId: string | undefined;
    input: unknown;
    now: number;
    resumed: boolean;
    definition?: unknown;
    metadata?: Record<string, unknown>;
  },
): Promise<void> {
  // Secrets never reach the store: the input, definition and metadata are redacted too.
  const create = () =>
    store.createRun({
      id: run.id,
      workflow: run.workflow,
      ...(run.parentId !== undefined ? { parentId: run.parentId } : {}),
      status: "running",
      createdAt: run.now,
      input: redactSecrets(run.input),
      ...(run.definition !== undefined ? { definition: redactSecrets(run.definition) } : {}),
      ...(run.metadata !== undefined ? { metadata: redactSecrets(run.metadata) } : {}),
    });
  if (!run.resumed) return create();
  return store
    .getRun(run.id)
    .then((existing) =>
      existing ? store.updateRun(run.id, { status: "running", updatedAt: run.now }) : create(),
    );
}
