import type { OptionRule } from "../core/options/option-rule.js";
import type { Clock } from "../core/ports/clock.js";
import type { RunStatus, RunStore } from "../core/ports/run-store.js";
import { foldRunLog } from "../core/run/fold-run-log.js";
import { redactSecrets } from "../core/run/redact-secrets.js";
import { type ApprovalDecision, decisionEvent } from "../core/run/run.js";
import { checkOptions } from "../runtime/check-options.js";
import { systemClock } from "../runtime/system-clock.js";
import { decideOptionsRule, pendingApprovalsOptionsRule } from "./approval-options-rules.js";
import { DurableError } from "./durable-error.js";
import { markIfDecided } from "./launch-run.js";
import { type PendingApproval, pendingApprovalsOf } from "./pending-approvals-of.js";
import { checkRunId, requireRun } from "./resume.js";
import { openStore, type StoreOption } from "./store-option.js";

export interface DecideOptions {
  /** Where the run is. @default ".baton/baton.db" */
  store?: StoreOption;
  /** Why; kept with the decision (and shown to the model for a rejected tool call). */
  comment?: string;
  /**
   * Which tool call of the step, when the step waits on several; optional when it waits
   * on one (the id is in `pendingApprovals`).
   */
  toolCallId?: string;
  /** Time stamped on the decision. @default systemClock */
  clock?: Clock;
  signal?: AbortSignal;
}

/** What became of a decision. */
export interface DecisionResult {
  runId: string;
  stepId: string;
  toolCallId?: string;
  approved: boolean;
  /**
   * `"live"`: the run is live in the `Durable` you decided through (`durable.approve`) and
   * acted on it at once. `"resumed"`: that `Durable` auto-resumes and resumed the run.
   * `"stored"`: the decision is in the log; the run continues when it is resumed (`resume`,
   * `baton resume`, or an auto-resuming process), or at its owner's next heartbeat if it is
   * live (in this process or another).
   */
  delivery: "live" | "resumed" | "stored";
}

/**
 * Approves a step (or a tool call) a run waits for. The decision is logged as an
 * `approval-decision` event; the run continues in this process if it is live here, else
 * once resumed.
 * @throws DurableError `run-not-found`, or `no-pending-approval` (nothing matches; the
 * message lists what the run does wait for).
 * @example await approve("run_3f2a", "publish", { comment: "ship it" });
 */
export function approve(
  runId: string,
  stepId: string,
  options: DecideOptions = {},
): Promise<DecisionResult> {
  return decide(runId, stepId, true, options, "approve");
}

/**
 * Rejects a step (it fails with `ApprovalRejectedError`) or a tool call (the model is
 * told it was rejected, with the comment). Otherwise like `approve`.
 * @example await reject("run_3f2a", "publish", { comment: "not before Monday" });
 */
export function reject(
  runId: string,
  stepId: string,
  options: DecideOptions = {},
): Promise<DecisionResult> {
  return decide(runId, stepId, false, options, "reject");
}

async function decide(
  runId: string,
  stepId: string,
  approved: boolean,
  options: DecideOptions,
  where: string,
): Promise<DecisionResult> {
  checkDecideArguments(runId, stepId, options, where);
  options.signal?.throwIfAborted();
  const opened = await openStore(options.store, where);
  try {
    return await decideIn(opened.store, { runId, stepId, approved, options });
  } finally {
    await opened.release();
  }
}

/**
 * Checks `approve` / `reject` arguments: a bad run or step id is a TypeError naming it,
 * bad options an `OptionsError` (checked with `rule`) listing every problem.
 */
export function checkDecideArguments(
  runId: unknown,
  stepId: unknown,
  options: unknown,
  where: string,
  rule: OptionRule = decideOptionsRule,
): asserts options is DecideOptions {
  checkRunId(runId as string, where);
  if (typeof stepId !== "string" || stepId === "") {
    throw new TypeError(
      `${where}: expected stepId to be a non-empty string, received ${String(stepId)}`,
    );
  }
  checkOptions(rule, options, `${where}()`);
}

/**
 * Runs a `Durable` holds in this process: a decision goes to a live one at once, and an
 * auto-resuming `Durable` resumes a waiting one as soon as the decision is stored.
 */
export interface LiveRuns {
  /** Hands the decision to the run if it is live here; false when it is not (or ended). */
  decide(runId: string, decision: ApprovalDecision): boolean;
  /** Resumes the run here if this holder resumes runs on decisions; resolves whether it did. */
  resume(runId: string): Promise<boolean>;
}

/** `approve` / `reject` on an open store (shared with `Durable`, which passes its live runs). */
export async function decideIn(
  store: RunStore,
  request: {
    runId: string;
    stepId: string;
    approved: boolean;
    options: DecideOptions;
    live?: LiveRuns;
  },
): Promise<DecisionResult> {
  const { runId, stepId, approved, options, live } = request;
  const clock = options.clock ?? systemClock;
  const record = await requireRun(store, runId);
  const log = await store.readLog(runId);
  const state = foldRunLog(log, { runId });
  const pending = pendingApprovalsOf(state, log, record.workflow);
  const target = pickPending(pending, runId, stepId, options.toolCallId);
  const decision: ApprovalDecision = {
    stepId,
    approved,
    ...(options.comment !== undefined ? { comment: options.comment } : {}),
    ...(target.toolCallId !== undefined ? { toolCallId: target.toolCallId } : {}),
  };
  const result: DecisionResult = {
    runId,
    stepId,
    ...(target.toolCallId !== undefined ? { toolCallId: target.toolCallId } : {}),
    approved,
    delivery: "live",
  };
  if (live?.decide(runId, decision)) return result;
  const event = decisionEvent(decision, {
    at: clock.now(),
    runId,
    parentRunId: record.parentId,
  });
  await store.append(runId, [redactSecrets(event)]);
  const fresh = await store.getRun(runId);
  if (fresh?.status === "waiting") await markIfDecided(store, runId, clock.now());
  if (live && (await live.resume(runId))) return { ...result, delivery: "resumed" };
  return { ...result, delivery: "stored" };
}

function pickPending(
  pending: PendingApproval[],
  runId: string,
  stepId: string,
  toolCallId: string | undefined,
): PendingApproval {
  const forStep = pending.filter((item) => item.stepId === stepId);
  const matching =
    toolCallId === undefined ? forStep : forStep.filter((item) => item.toolCallId === toolCallId);
  if (matching.length === 1) return matching[0]!;
  const listed =
    pending.length === 0
      ? "it waits for no approval"
      : `it waits for: ${pending.map(describePending).join(", ")}`;
  if (matching.length === 0) {
    const what =
      toolCallId === undefined ? `step "${stepId}"` : `tool call ${toolCallId} of step "${stepId}"`;
    throw new DurableError(`Run ${runId} has no pending approval for ${what}; ${listed}`, {
      code: "no-pending-approval",
      runId,
    });
  }
  throw new DurableError(
    `Step "${stepId}" of run ${runId} waits on ${matching.length} tool calls; pass options.toolCallId (${matching
      .map((item) => item.toolCallId)
      .join(", ")})`,
    { code: "no-pending-approval", runId },
  );
}

function describePending(item: PendingApproval): string {
  return item.toolCallId === undefined
    ? `step "${item.stepId}"`
    : `step "${item.stepId}" tool ${item.tool ?? "?"} (call ${item.toolCallId})`;
}

export interface PendingApprovalsOptions {
  /** Where the runs are. @default ".baton/baton.db" */
  store?: StoreOption;
  /** Only this run's. */
  runId?: string;
  signal?: AbortSignal;
}

const activeStatuses: readonly RunStatus[] = ["waiting", "running", "pending"];

/**
 * Every approval that runs in the store wait for, oldest first: steps with `approval`
 * and tool calls wrapped with `requiresApproval` that have no decision yet.
 * @example for (const item of await pendingApprovals()) console.log(item.runId, item.stepId);
 */
export async function pendingApprovals(
  options: PendingApprovalsOptions = {},
): Promise<PendingApproval[]> {
  checkOptions(pendingApprovalsOptionsRule, options, "pendingApprovals()");
  options.signal?.throwIfAborted();
  const opened = await openStore(options.store, "pendingApprovals");
  try {
    return await pendingIn(opened.store, options.runId, options.signal);
  } finally {
    await opened.release();
  }
}

/** `pendingApprovals` on an open store (shared with `Durable`). */
export async function pendingIn(
  store: RunStore,
  runId?: string,
  signal?: AbortSignal,
): Promise<PendingApproval[]> {
  const runs =
    runId !== undefined
      ? [await requireRun(store, runId)]
      : await store.listRuns({ status: activeStatuses });
  const pending: PendingApproval[] = [];
  for (const run of runs) {
    signal?.throwIfAborted();
    const log = await store.readLog(run.id);
    pending.push(...pendingApprovalsOf(foldRunLog(log, { runId: run.id }), log, run.workflow));
  }
  return pending.sort((a, b) => (a.requestedAt ?? 0) - (b.requestedAt ?? 0));
}
