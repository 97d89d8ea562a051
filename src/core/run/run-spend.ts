/**
 * How a run's fold keeps its books (internal to `applyRunEvent`): ended attempts billed
 * once (`step-end`, `step-error`), the recorded calls of steps in flight counted until
 * then, and the model calls started and not yet answered.
 */

import type { LoggedEvent } from "../ports/run-store.js";
import { addCost, addUsage, type CostBreakdown, toolCost, type Usage } from "../usage.js";
import type { RunningStep, RunState, StepRecord } from "./fold-run-log.js";

/** Zero usage, shared and frozen (steps that made no model call). */
export const noUsage: Usage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
});
/** Zero cost, shared and frozen. */
export const noCost: CostBreakdown = Object.freeze({
  modelCents: 0,
  toolCents: 0,
  totalCents: 0,
  unpricedModels: Object.freeze([]) as unknown as string[],
});

function hasSpend(usage: Usage | undefined, cost: CostBreakdown | undefined): boolean {
  return (
    (usage !== undefined &&
      usage.totalTokens +
        usage.inputTokens +
        usage.outputTokens +
        (usage.possiblyBilledTokens ?? 0) >
        0) ||
    (cost !== undefined &&
      (cost.totalCents !== 0 ||
        cost.toolCents !== 0 ||
        cost.unpricedModels.length > 0 ||
        (cost.possiblyBilledCents ?? 0) > 0))
  );
}

/**
 * Bills an ended attempt (`step-end`, `step-error`) to its step and the run. The attempt's
 * spend includes what its recorded calls spent (a resumed agent books the calls it
 * replays), so the step's in-flight spend gives way to it.
 */
export function bill(
  state: RunState,
  step: StepRecord,
  running: RunningStep | undefined,
  event: LoggedEvent,
): void {
  const hadSpent = running?.spent !== undefined;
  if (running?.spent) {
    step.usage = running.base.usage;
    step.cost = running.base.cost;
  }
  const usage = event.usage as Usage | undefined;
  const cost = event.cost as CostBreakdown | undefined;
  const spends =
    !((usage === noUsage || usage === undefined) && (cost === noCost || cost === undefined)) &&
    hasSpend(usage, cost);
  if (spends && usage) {
    step.usage = addUsage(step.usage, usage);
    state.settled = { ...state.settled, usage: addUsage(state.settled.usage, usage) };
  }
  if (spends && cost) {
    step.cost = addCost(step.cost, cost);
    state.settled = { ...state.settled, cost: addCost(state.settled.cost, cost) };
  }
  if (running?.spent) {
    running.spent = undefined;
    delete state.spending[step.id];
  }
  // Totals change only when something was spent: the in-flight spend this attempt's own
  // replaces is taken out by adding the rest up again; otherwise what it spent is added.
  // (Adding up every step in flight at each step's end made a wide run quadratic: 2,000
  // parallel steps took 0.7 s instead of 30 ms; so did adding up every step in flight rather
  // than those that spent, with 2,000 agent steps dispatched at once to workers.)
  if (hadSpent) totalUp(state);
  else if (spends) addToTotals(state, usage, cost);
}

function addToTotals(state: RunState, usage: Usage | undefined, cost: CostBreakdown | undefined) {
  if (usage) state.usage = addUsage(state.usage, usage);
  if (cost) state.cost = addCost(state.cost, cost);
}

/** The run's totals: what ended attempts spent, plus the recorded calls of steps in flight. */
function totalUp(state: RunState): void {
  let { usage, cost } = state.settled;
  for (const id of Object.keys(state.spending)) {
    const spent = state.running[id]?.spent;
    if (!spent) {
      delete state.spending[id];
      continue;
    }
    usage = addUsage(usage, spent.usage);
    cost = addCost(cost, spent.cost);
  }
  state.usage = usage;
  state.cost = cost;
}

/** What one recorded call of a step in flight spent, if anything. */
function spendOf(event: LoggedEvent): { usage: Usage; cost: CostBreakdown } | undefined {
  if (event.type === "model-call-end" || event.type === "model-call-error") {
    const usage = event.usage as Usage | undefined;
    const cost = event.cost as CostBreakdown | undefined;
    return hasSpend(usage, cost) ? { usage: usage ?? noUsage, cost: cost ?? noCost } : undefined;
  }
  const cents = event.costCents;
  return typeof cents === "number" && cents > 0
    ? { usage: noUsage, cost: toolCost(cents) }
    : undefined;
}

/** Counts a step in flight's recorded call into its spend and the run's totals. */
export function billInFlight(
  state: RunState,
  step: StepRecord,
  running: RunningStep,
  event: LoggedEvent,
): void {
  const spend = spendOf(event);
  if (!spend) return;
  running.spent = running.spent
    ? {
        usage: addUsage(running.spent.usage, spend.usage),
        cost: addCost(running.spent.cost, spend.cost),
      }
    : spend;
  state.spending[step.id] = true;
  step.usage = addUsage(running.base.usage, running.spent.usage);
  step.cost = addCost(running.base.cost, running.spent.cost);
  addToTotals(state, spend.usage, spend.cost);
}

/** Which model call a start, end or error belongs to: one at a time per step, path and agent. */
export function callKey(event: { [field: string]: unknown }): string {
  return `${String(event.stepId)}/${String(event.path ?? "")}/${String(event.agent)}`;
}

/** Keeps `openCalls`: a start opens its call, its end or error closes it. */
export function trackCall(state: RunState, event: LoggedEvent): void {
  const key = callKey(event);
  if (event.type === "model-call-start") state.openCalls[key] = event;
  else delete state.openCalls[key];
}
