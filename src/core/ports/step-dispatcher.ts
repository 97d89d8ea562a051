import type { Outcome } from "../outcome.js";
import type { ToolApprovalRecord } from "../run/fold-run-log.js";
import type { RunContext } from "../run-context.js";
import type { StepResults } from "../workflow/step-options.js";
import type { LoggedEvent } from "./run-store.js";

/**
 * Where a ready step runs. The run's owner decides what is ready, logs the attempt's
 * start, and hands the attempt to a dispatcher; the dispatcher runs it (inline, in a worker
 * thread, on a queue's worker) and reports how it ended through `host.settle`. The owner
 * keeps the timers, retries and the log: a dispatcher only runs attempts.
 *
 * Delivery may be at least once: the owner ignores a second settle of the same attempt
 * and a settle of an attempt that is no longer current (it timed out and was retried, or
 * the run moved on). Every dispatcher passes the conformance suite in
 * `step-dispatcher.conformance.ts`.
 */
export interface StepDispatcher {
  /**
   * Starts one attempt. Cancellation arrives through `host.context.signal`; the attempt
   * still settles (as cancelled, or as it ended).
   */
  dispatch(attempt: StepAttempt, host: AttemptHost): void;
  /** Stops whatever the dispatcher holds (worker threads, queue connections). */
  close?(): Promise<void>;
}

/**
 * One attempt of one step, as it crosses to where it runs. Everything but `run` is JSON
 * (a dispatcher that sends attempts elsewhere checks, and fails the attempt clearly when
 * its input is not JSON).
 */
export interface StepAttempt {
  readonly runId: string;
  readonly workflow: string;
  readonly stepId: string;
  readonly kind: "function" | "agent" | "workflow";
  /** Which execution of the step this is within the run: unique, rising. */
  readonly key: number;
  /** The attempt number (1-based, counting retries; restarts at 1 each loop iteration). */
  readonly attempt: number;
  readonly iteration: number;
  readonly input: unknown;
  readonly previous: unknown;
  /**
   * The results of the steps this one depends on (directly or not). In this process it may
   * hold more (every result so far): a dispatcher that sends the attempt elsewhere sends the
   * `ancestors`' results only.
   */
  readonly results: StepResults;
  /** The ids of the steps this one depends on, directly or not. */
  readonly ancestors: readonly string[];
  /** The step's tool-call approvals so far (decided ones included). */
  readonly toolApprovals: readonly ToolApprovalRecord[];
  /**
   * What earlier runs of this attempt logged of their work, for its agents to replay (the
   * run context's `recorded`); empty for a fresh attempt.
   */
  readonly recorded: readonly LoggedEvent[];
  /** The run this one is a child of. */
  readonly parentRunId: string | undefined;
  /**
   * Runs the attempt in this process, with the owner's context. What an in-process
   * dispatcher calls; one that sends the attempt elsewhere finds the step by `workflow`
   * and `stepId` there instead.
   */
  run(): Outcome | Promise<Outcome>;
}

/** The owner's side of one dispatched attempt. */
export interface AttemptHost {
  /**
   * The owner's run context for the attempt: its signal (cancellation), `emit` (events go
   * to the owner's log), the gate (limits and budgets), the store and ids for child runs.
   * A remote dispatcher relays the calls a step makes on its own context to these.
   */
  readonly context: RunContext;
  /**
   * What the attempt has logged of its work so far, its earlier runs' included (empty once
   * it is no longer current): what a run of it replays. A dispatcher whose run of the
   * attempt died and runs again elsewhere hands this to the new run (`recorded` is what
   * was logged when the attempt was dispatched).
   */
  logged(): readonly LoggedEvent[];
  /** Reports how the attempt ended. A duplicate or stale settle is ignored. */
  settle(outcome: Outcome): void;
}
