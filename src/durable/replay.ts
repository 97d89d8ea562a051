import { BatonError } from "../core/errors/baton-error.js";
import type { ModelCallGate } from "../core/model-call-gate.js";
import type { Clock } from "../core/ports/clock.js";
import { foldRunLog, type RunState } from "../core/run/fold-run-log.js";
import type { WorkflowResult } from "../core/run/run.js";
import { checkOptions } from "../runtime/check-options.js";
import { systemClock } from "../runtime/system-clock.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { replayOptionsRule } from "./durable-options-rules.js";
import type { DurableStartOptions } from "./durable-settings.js";
import { checkRunId, requireRun } from "./resume.js";
import { seedLog } from "./seed-log.js";
import { openStore, type StoreOption } from "./store-option.js";
import { type RebuildOptions, rebuildWorkflow } from "./workflow-registry.js";

export interface ReplayOptions extends RebuildOptions {
  /** Where the recorded run is (read only). @default ".baton/baton.db" */
  store?: StoreOption;
  /** The clock the replay runs on (retry delays of function steps). @default systemClock */
  clock?: Clock;
  /** Start options for the replay (concurrency, failureMode). */
  start?: Pick<DurableStartOptions, "concurrency" | "failureMode">;
  signal?: AbortSignal;
}

/** A replay and how it compares with the recording. */
export interface ReplayResult {
  /** The recorded run. */
  runId: string;
  /** The replay's own run (in a throwaway in-memory store). */
  replayRunId: string;
  /** Whether the replay ended like the recording: same status, output, and step outputs. */
  identical: boolean;
  /** What differs, one line each (`step "draft": output differs`); empty when identical. */
  differences: string[];
  /** The replay's result. */
  result: WorkflowResult;
  /** The recording, folded. */
  recorded: RunState;
  /**
   * Model calls a step asked for during the replay (an agent step the recording has no
   * output for). Each was refused, and its step failed: a replay never reaches a model.
   */
  modelCallsRefused: number;
  /** The steps whose recorded outputs were served (agents and sub-workflows). */
  served: string[];
  /** The steps that ran again (function steps). */
  reran: string[];
}

/** The gate of a replay: every model call is refused, so a replay never reaches a model. */
function refusingGate(counter: { calls: number }): ModelCallGate {
  return {
    async acquire(request) {
      counter.calls++;
      return {
        granted: false,
        reason: "circuit-open",
        error: new BatonError(
          `A replay makes no model calls, but agent "${request.agent}" asked for ${request.model}`,
        ),
      };
    },
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Re-executes a recorded run offline, from its recording: agent and sub-workflow steps
 * are served their recorded outputs (so no model is called, and no agent tool runs),
 * approvals keep their recorded decisions, and function steps run again on those outputs.
 * The replay runs in a throwaway in-memory store; the recorded run is only read. A
 * deterministic workflow replays identically; a difference points at code that changed or
 * depends on something outside the recording.
 * @example
 * const replayed = await replay("run_3f2a", { workflows: { report } });
 * if (!replayed.identical) console.log(replayed.differences);
 */
export async function replay(runId: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  checkRunId(runId, "replay");
  checkOptions(replayOptionsRule, options, "replay()");
  const workflows = options.workflows ?? {};
  options.signal?.throwIfAborted();
  const opened = await openStore(options.store, "replay");
  let recordedLog: Awaited<ReturnType<typeof opened.store.readLog>>;
  let record: Awaited<ReturnType<typeof requireRun>>;
  try {
    record = await requireRun(opened.store, runId);
    recordedLog = await opened.store.readLog(runId);
  } finally {
    await opened.release();
  }
  const workflow = rebuildWorkflow(record, {
    workflows,
    ...(options.build ? { build: options.build } : {}),
  });
  const recorded = foldRunLog(recordedLog, { runId });
  const served: string[] = [];
  const reran: string[] = [];
  for (const step of workflow.graph().steps) {
    const status = recorded.steps[step.id]?.status;
    if (step.kind !== "function" && (status === "succeeded" || status === "failed")) {
      served.push(step.id);
    } else {
      reran.push(step.id);
    }
  }
  const clock = options.clock ?? systemClock;
  const replayRunId = `replay_${runId}`;
  const store = new MemoryStore();
  const input = recorded.input ?? record.input;
  const seed = seedLog(recordedLog, {
    recordedRunId: runId,
    runId: replayRunId,
    workflow,
    input,
    keep: new Set(served),
    decisions: true,
    at: recorded.startedAt ?? clock.now(),
  });
  await store.createRun({
    id: replayRunId,
    workflow: workflow.name,
    status: "running",
    createdAt: clock.now(),
    input,
  });
  await store.append(replayRunId, seed);
  const counter = { calls: 0 };
  const run = workflow.start(input, {
    ...options.start,
    store,
    clock,
    runId: replayRunId,
    resumeFrom: foldRunLog(seed, { runId: replayRunId }),
    gate: refusingGate(counter),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const result = await run.result;
  const differences: string[] = [];
  if (result.status !== recorded.status) {
    differences.push(`run: status ${result.status}, recorded ${recorded.status}`);
  }
  if (!same(result.output, recorded.output)) differences.push("run: output differs");
  for (const id of workflow.stepIds) {
    const now = result.steps[id];
    const then = recorded.steps[id];
    if (now?.status !== then?.status) {
      differences.push(`step "${id}": status ${now?.status}, recorded ${then?.status}`);
    } else if (!same(now?.output, then?.output)) {
      differences.push(`step "${id}": output differs`);
    }
  }
  return {
    runId,
    replayRunId,
    identical: differences.length === 0,
    differences,
    result,
    recorded,
    modelCallsRefused: counter.calls,
    served,
    reran,
  };
}
