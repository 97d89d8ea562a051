import type { RunStore } from "../core/ports/run-store.js";
import { foldRunLog } from "../core/run/fold-run-log.js";
import { redactSecrets } from "../core/run/redact-secrets.js";
import { checkOptions } from "../runtime/check-options.js";
import { DurableError } from "./durable-error.js";
import { forkOptionsRule } from "./durable-options-rules.js";
import type { DurableRun } from "./durable-run.js";
import { type DurableSettings, resolveSettings } from "./durable-settings.js";
import { launchLeased } from "./launch-run.js";
import { checkRunId, requireRun } from "./resume.js";
import { RunLease } from "./run-lease.js";
import { descendantsOf, seedLog } from "./seed-log.js";
import { openStore, type StoreOption } from "./store-option.js";
import { rebuildWorkflow } from "./workflow-registry.js";

export interface ForkOptions extends DurableSettings {
  /** The first step to run again; it and every step after it (its descendants) run anew. */
  fromStep: string;
  /** The new run's input. @default the recorded run's input */
  input?: unknown;
  /** Where the recorded run is, and where the new run goes. @default ".baton/baton.db" */
  store?: StoreOption;
  /** The new run's id. @default ids.next("run") */
  runId?: string;
  signal?: AbortSignal;
}

/**
 * Starts a new run from a recorded one: every step outside `fromStep` and its
 * descendants that succeeded keeps its recorded output (it does not run), and the rest
 * runs again, with `input` if given. The new run's log holds the reused steps' events,
 * so it is a run like any other (resumable, replayable); its metadata names the run and
 * step it was forked from.
 * @throws DurableError `run-not-found`, `workflow-not-found`, `step-not-found`.
 * @example
 * const run = await fork("run_3f2a", { fromStep: "draft", input: { tone: "formal" }, workflows: { report } });
 */
export async function fork(runId: string, options: ForkOptions): Promise<DurableRun> {
  checkRunId(runId, "fork");
  checkOptions(forkOptionsRule, options, "fork()");
  const settings = resolveSettings(options);
  options.signal?.throwIfAborted();
  const opened = await openStore(options.store, "fork");
  let run: DurableRun;
  try {
    run = await forkIn(opened.store, runId, options, settings);
  } catch (error) {
    await opened.release();
    throw error;
  }
  const result = run.result.finally(() => opened.release());
  return { ...run, result };
}

async function forkIn(
  store: RunStore,
  runId: string,
  options: ForkOptions,
  settings: ReturnType<typeof resolveSettings>,
): Promise<DurableRun> {
  const record = await requireRun(store, runId);
  const workflow = rebuildWorkflow(record, settings);
  if (!workflow.stepIds.includes(options.fromStep)) {
    throw new DurableError(
      `Workflow "${workflow.name}" has no step "${options.fromStep}" (steps: ${workflow.stepIds.join(", ")})`,
      { code: "step-not-found", runId },
    );
  }
  const recordedLog = await store.readLog(runId);
  const recorded = foldRunLog(recordedLog, { runId });
  const rerun = descendantsOf(workflow, options.fromStep);
  const keep = new Set(
    workflow.stepIds.filter((id) => !rerun.has(id) && recorded.steps[id]?.status === "succeeded"),
  );
  const input = "input" in options ? options.input : (recorded.input ?? record.input);
  const newRunId = options.runId ?? settings.ids.next("run");
  const now = settings.clock.now();
  const seed = seedLog(recordedLog, {
    recordedRunId: runId,
    runId: newRunId,
    workflow,
    input,
    keep,
    at: now,
  });
  await store.createRun({
    id: newRunId,
    workflow: workflow.name,
    status: "running",
    createdAt: now,
    input: redactSecrets(input),
    ...(record.definition !== undefined ? { definition: record.definition } : {}),
    metadata: { ...record.metadata, forkOf: runId, fromStep: options.fromStep },
  });
  const lease = new RunLease(store, newRunId, settings.lease);
  await lease.acquire();
  try {
    const seqs = await store.append(
      newRunId,
      seed.map((event) => redactSecrets(event)),
    );
    return launchLeased({
      store,
      workflow,
      input,
      runId: newRunId,
      resumeFrom: { ...foldRunLog(seed, { runId: newRunId }), input },
      lease,
      readUpTo: seqs.at(-1) ?? 0,
      ids: settings.ids,
      start: settings.start,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    await lease.release();
    throw error;
  }
}
