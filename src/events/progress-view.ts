import type { BatonEvent } from "../core/events.js";
import type { Clock } from "../core/ports/clock.js";
import { checkOptions } from "../runtime/check-options.js";
import { systemClock } from "../runtime/system-clock.js";
import { describe } from "./describe-value.js";
import { progressViewOptionsRule } from "./event-options-rules.js";
import { eventsUntil } from "./events-until.js";
import {
  applyProgressEvent,
  completedSteps,
  formatCents,
  formatDuration,
  initialProgressState,
  type ProgressChange,
  type ProgressState,
  progressPercent,
} from "./progress-state.js";

/** Where the view writes: `process.stderr`, or anything with `write`. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** The terminal's width; lines are cut to fit so a redraw never wraps. */
  columns?: number;
}

export interface ProgressViewOptions {
  /** @default process.stderr */
  stream?: ProgressStream;
  /**
   * Redraw one status line in place (ANSI) instead of printing a line per change.
   * @default stream.isTTY
   */
  isTTY?: boolean;
  /** Steps in the workflow, for the bar; without it the view counts finished steps only. */
  totalSteps?: number;
  /**
   * Where elapsed time and refreshes come from.
   * @default systemClock
   */
  clock?: Clock;
  /**
   * On a TTY, redraw this often (ms) so elapsed time moves while steps run. `0` redraws
   * on events only.
   * @default 1000
   */
  refreshMs?: number;
  /** Stops the view (the run goes on). */
  signal?: AbortSignal;
}

/** How the run looked when the view stopped. */
export interface ProgressSummary {
  status: ProgressState["status"];
  /** Steps that ended (succeeded, failed, cancelled or skipped). */
  completed: number;
  /** `completed` of `totalSteps` in whole percent, rounded down; undefined without a total. */
  percent: number | undefined;
  succeeded: number;
  failed: number;
  skipped: number;
  totalSteps: number | undefined;
  /** Cents spent; a lower bound when `unpriced`. */
  cents: number;
  unpriced: boolean;
}

const BAR_WIDTH = 20;
const CLEAR_LINE = "\r\x1b[2K";

/**
 * Shows a run's progress in a terminal: a bar of finished / total steps, the steps
 * running now and the cost so far. On a TTY it redraws one line in place, printing
 * failures above it; elsewhere (CI logs, pipes) it prints one plain line per step start,
 * end, failure, retry and skip. Resolves with a summary when the events end.
 *
 * @example
 * const run = flow.start(input);
 * await progressView(run, { totalSteps: 3 });
 */
export async function progressView(
  source: AsyncIterable<BatonEvent> | { events: AsyncIterable<BatonEvent> },
  options: ProgressViewOptions = {},
): Promise<ProgressSummary> {
  const events = isAsyncIterable(source)
    ? source
    : typeof source === "object" && source !== null && isAsyncIterable(source.events)
      ? source.events
      : undefined;
  if (!events) {
    throw new TypeError(
      `progressView: expected "source" to be a run or an AsyncIterable of events, received ${describe(source)}`,
    );
  }
  checkOptions(progressViewOptionsRule, options, "progressView()");
  const {
    stream = process.stderr,
    isTTY = stream.isTTY === true,
    totalSteps,
    clock = systemClock,
    refreshMs = 1000,
    signal,
  } = options;
  const state = initialProgressState(totalSteps);
  const width = () => Math.max(20, (stream.columns ?? 80) - 1);
  const drawStatus = () =>
    stream.write(CLEAR_LINE + fitToWidth(statusLine(state, clock.now()), width()));
  const printAbove = (line: string) => {
    stream.write(`${CLEAR_LINE}${line}\n`);
    drawStatus();
  };

  const done = new AbortController();
  const refreshing =
    isTTY && refreshMs > 0 ? refresh(clock, refreshMs, done.signal, drawStatus) : undefined;
  try {
    for await (const event of eventsUntil(events, signal)) {
      const change = applyProgressEvent(state, event);
      if (!change) continue;
      if (!isTTY) {
        const line = plainLine(state, change);
        if (line) stream.write(`${line}\n`);
      } else if (change.kind === "step-error" && !change.willRetry) {
        printAbove(`✗ ${change.stepId} failed: ${change.message}`);
      } else if (change.kind !== "run-end") {
        drawStatus();
      }
    }
  } finally {
    done.abort();
    await refreshing;
    if (isTTY)
      stream.write(CLEAR_LINE + (state.startedAt !== undefined ? `${summaryLine(state)}\n` : ""));
  }
  return {
    status: state.status,
    completed: completedSteps(state),
    percent: progressPercent(state),
    succeeded: state.succeeded,
    failed: state.failed,
    skipped: state.skipped,
    totalSteps: state.totalSteps,
    cents: state.cents,
    unpriced: state.unpriced,
  };
}

async function refresh(
  clock: Clock,
  everyMs: number,
  signal: AbortSignal,
  draw: () => void,
): Promise<void> {
  while (!signal.aborted) {
    try {
      await clock.sleep(everyMs, { signal });
    } catch {
      return;
    }
    if (!signal.aborted) draw();
  }
}

/** `report [████████░░░░░░░░░░░░] 2/5 40% · running: facts, draft · 0.1200¢ · 4.2s` */
export function statusLine(state: ProgressState, now: number): string {
  const parts: string[] = [];
  const name = state.workflow ?? "run";
  const done = completedSteps(state);
  if (state.totalSteps !== undefined && state.totalSteps > 0) {
    const filled = Math.min(BAR_WIDTH, Math.round((done / state.totalSteps) * BAR_WIDTH));
    parts.push(
      `${name} [${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}] ${done}/${state.totalSteps} ${progressPercent(state)}%`,
    );
  } else {
    parts.push(`${name} ${done} step${done === 1 ? "" : "s"} done`);
  }
  if (state.status === "waiting") parts.push("waiting");
  if (state.running.size > 0) parts.push(`running: ${[...state.running.keys()].join(", ")}`);
  parts.push(formatCents(state.cents, state.unpriced));
  if (state.startedAt !== undefined) parts.push(formatDuration(now - state.startedAt));
  return parts.join(" · ");
}

function plainLine(state: ProgressState, change: ProgressChange): string | undefined {
  switch (change.kind) {
    case "run-start":
      return `run ${state.workflow ?? state.runId ?? ""} started`;
    case "run-wait":
      return `run waiting: ${change.reason}`;
    case "run-end":
      return summaryLine(state);
    case "step-start":
      return `step ${change.stepId} started${change.attempt > 1 ? ` (attempt ${change.attempt})` : ""}`;
    case "step-end":
      return `step ${change.stepId} done in ${formatDuration(change.durationMs)} (${progressCount(state)}, ${formatCents(state.cents, state.unpriced)} so far)`;
    case "step-error":
      return `step ${change.stepId} failed on attempt ${change.attempt}${change.willRetry ? " (will retry)" : ""}: ${change.message}`;
    case "step-retry":
      return `step ${change.stepId} retrying: attempt ${change.attempt} in ${formatDuration(change.delayMs)}`;
    case "step-skip":
      return `step ${change.stepId} skipped (${change.reason})`;
  }
}

function summaryLine(state: ProgressState): string {
  const duration =
    state.startedAt !== undefined && state.endedAt !== undefined
      ? ` in ${formatDuration(state.endedAt - state.startedAt)}`
      : "";
  const counts = [`${state.succeeded} succeeded`];
  if (state.failed > 0) counts.push(`${state.failed} failed`);
  if (state.skipped > 0) counts.push(`${state.skipped} skipped`);
  const error = state.error ? ` (${state.error})` : "";
  return `run ${state.workflow ?? state.runId ?? ""} ${state.status}${duration}${error}: ${progressCount(state)}, ${counts.join(", ")}, cost ${formatCents(state.cents, state.unpriced)}`;
}

/** `2/5 steps, 40%`, or `2 steps` without a total. */
function progressCount(state: ProgressState): string {
  const done = completedSteps(state);
  return state.totalSteps !== undefined
    ? `${done}/${state.totalSteps} steps, ${progressPercent(state)}%`
    : `${done} steps`;
}

/** Cuts a line to the terminal width, counting code points (the bar is multi-byte). */
function fitToWidth(line: string, width: number): string {
  const characters = [...line];
  return characters.length <= width ? line : `${characters.slice(0, width - 1).join("")}…`;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<BatonEvent> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}
