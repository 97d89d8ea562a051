import type { SerializedError } from "../core/events.js";
import type { LoggedEvent, RunRecord, RunStatus } from "../core/ports/run-store.js";
import { foldRunLog, type StepRecord } from "../core/run/fold-run-log.js";
import { addUsage, type CostBreakdown, emptyUsage, type Usage } from "../core/usage.js";
import { isoTime } from "./format-values.js";

/** One step of a run, as `--json` prints it. */
export interface StepReport {
  id: string;
  status: StepRecord["status"];
  attempts: number;
  /** The model that answered (agent steps), else `null`. */
  model: string | null;
  /** ISO 8601 times, `null` when the step never started / has not ended. */
  start: string | null;
  end: string | null;
  durationMs: number | null;
  usage: Usage;
  cost: CostBreakdown;
  error?: SerializedError;
  skipReason?: string;
}

/** Model calls of one model, failed attempts included. */
export interface ModelSpend {
  calls: number;
  failedCalls: number;
  usage: Usage;
  /** `null` when the model's price is unknown. */
  cents: number | null;
  /**
   * Calls cut short before their reply, at what they reserved: the provider may have billed
   * them. Not in `cents`; absent when none was.
   */
  possiblyBilledCents?: number;
}

/** Tool calls of one tool. */
export interface ToolSpend {
  calls: number;
  failedCalls: number;
  /** What the tool reported it cost. */
  cents: number;
}

/** A step waiting for a human decision. */
export interface WaitingApproval {
  stepId: string;
  toolCallId?: string;
  message?: string;
}

/** What `baton run --json` and `baton show --json` print: one run, from its log. */
export interface RunReport {
  runId: string;
  workflow: string | null;
  status: RunStatus;
  output: unknown;
  error?: SerializedError;
  /** Why a waiting run waits (`approval`, `budget-exceeded`). */
  waitReason?: string;
  /** Approvals asked for and not yet decided. */
  waitingFor?: WaitingApproval[];
  start: string | null;
  end: string | null;
  durationMs: number | null;
  steps: StepReport[];
  usage: Usage;
  cost: CostBreakdown & {
    byModel: Record<string, ModelSpend>;
    byTool: Record<string, ToolSpend>;
  };
}

/**
 * Reads a run's log into a report: the run's status and output, each step (status,
 * attempts, model, times, usage, cost) and the cost split by model and by tool.
 */
export function runReport(
  events: readonly LoggedEvent[],
  { runId, record }: { runId: string; record?: RunRecord | undefined },
): RunReport {
  const state = foldRunLog(events, { runId });
  const own = events.filter((event) => event.runId === runId);
  const waitingFor = state.status === "waiting" ? pendingApprovalsOf(own) : [];
  const duration = (start: number | undefined, end: number | undefined) =>
    start !== undefined && end !== undefined ? end - start : null;
  return {
    runId,
    workflow: state.workflow ?? record?.workflow ?? null,
    status: state.status === "pending" && record ? record.status : state.status,
    output: state.output ?? null,
    ...(state.error ? { error: state.error } : {}),
    ...(state.waitReason ? { waitReason: state.waitReason } : {}),
    ...(waitingFor.length > 0 ? { waitingFor } : {}),
    start: isoTime(state.startedAt),
    end: isoTime(state.endedAt),
    durationMs: duration(state.startedAt, state.endedAt),
    steps: Object.values(state.steps).map((step) => ({
      id: step.id,
      status: step.status,
      attempts: step.attempts,
      model: step.model ?? null,
      start: isoTime(step.startedAt),
      end: isoTime(step.endedAt),
      durationMs: duration(step.startedAt, step.endedAt),
      usage: step.usage,
      cost: step.cost,
      ...(step.error && step.status !== "succeeded" ? { error: step.error } : {}),
      ...(step.skipReason ? { skipReason: step.skipReason } : {}),
    })),
    usage: state.usage,
    cost: { ...state.cost, byModel: spendByModel(own), byTool: spendByTool(own) },
  };
}

/** Approval requests in a log that no decision has answered yet. */
export function pendingApprovalsOf(events: readonly LoggedEvent[]): WaitingApproval[] {
  const open = new Map<string, WaitingApproval>();
  const key = (event: LoggedEvent) => `${String(event.stepId)}\u0000${String(event.toolCallId)}`;
  for (const event of events) {
    if (event.type === "approval-request") {
      open.set(key(event), {
        stepId: String(event.stepId),
        ...(typeof event.toolCallId === "string" ? { toolCallId: event.toolCallId } : {}),
        ...(typeof event.message === "string" ? { message: event.message } : {}),
      });
    } else if (event.type === "approval-decision") open.delete(key(event));
  }
  return [...open.values()];
}

/** Model calls (failed attempts included) by `provider:model-id`: calls, tokens, cents. */
export function spendByModel(events: readonly LoggedEvent[]): Record<string, ModelSpend> {
  const byModel: Record<string, ModelSpend> = {};
  for (const event of events) {
    if (event.type !== "model-call-end" && event.type !== "model-call-error") continue;
    const model = String(event.model);
    byModel[model] ??= { calls: 0, failedCalls: 0, usage: emptyUsage(), cents: 0 };
    const spend = byModel[model];
    spend.calls++;
    if (event.type === "model-call-error") spend.failedCalls++;
    const usage = event.usage as Usage | undefined;
    if (usage) spend.usage = addUsage(spend.usage, usage);
    const cost = event.cost as CostBreakdown | undefined;
    if (cost) {
      spend.cents =
        spend.cents === null || cost.modelCents === null ? null : spend.cents + cost.modelCents;
      if (cost.possiblyBilledCents !== undefined) {
        spend.possiblyBilledCents = (spend.possiblyBilledCents ?? 0) + cost.possiblyBilledCents;
      }
    }
  }
  return byModel;
}

/** Tool calls by tool name: calls, failures, reported cents. */
export function spendByTool(events: readonly LoggedEvent[]): Record<string, ToolSpend> {
  const byTool: Record<string, ToolSpend> = {};
  for (const event of events) {
    if (event.type !== "tool-call-end" && event.type !== "tool-call-error") continue;
    const tool = String(event.tool);
    byTool[tool] ??= { calls: 0, failedCalls: 0, cents: 0 };
    const spend = byTool[tool];
    spend.calls++;
    if (event.type === "tool-call-error") spend.failedCalls++;
    if (typeof event.costCents === "number") spend.cents += event.costCents;
  }
  return byTool;
}
