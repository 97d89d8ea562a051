import type { BudgetExceededEvent, EventBase, SerializedError } from "../core/events.js";
import type { ModelCallRequest, ToolCostReport } from "../core/model-call-gate.js";
import type { CallReservation } from "../core/policies/call-reservation.js";
import type { LoggedEvent } from "../core/ports/run-store.js";
import type { ToolApprovalRecord } from "../core/run/fold-run-log.js";
import type { WireOutcome } from "../core/run/wire-outcome.js";
import type { RunOverrides } from "../core/run-context.js";
import type { CostBreakdown, Usage } from "../core/usage.js";

/**
 * What crosses Redis between a run's owner and the workers: jobs on BullMQ queues (one
 * queue per workflow), messages on pub/sub channels, and two hashes. Everything is JSON.
 *
 * - `<prefix>:run:<runId>`: workers -> the run's owner (whichever process owns it now).
 * - `<prefix>:worker:<workerId>`: the owner -> one worker (answers to its permit and
 *   `recorded` requests).
 * - `<prefix>:workers`: the owner -> every worker (cancellations, "a new owner took run X").
 * - `<prefix>:inflight:<runId>`: the attempt each step of the run was last sent as, so a new
 *   owner adopts the attempts still running on workers instead of running them again.
 * - `<prefix>:spend:<attemptId>`: what each delivery of an attempt spent, kept by its worker,
 *   so a delivery that died is billed by whichever owner settles the attempt.
 * - `<prefix>:registry`: the live workers and the workflows (and steps) each one runs.
 */

/** One attempt of one step, as it travels in a job. */
export interface WireAttempt {
  /** Unique across owners: `<owner>/<n>`. Messages about the attempt carry it. */
  id: string;
  runId: string;
  workflow: string;
  stepId: string;
  kind: "function" | "agent" | "workflow";
  key: number;
  attempt: number;
  iteration: number;
  input: unknown;
  previous: unknown;
  /** The ancestors' results (function steps only: other kinds get their input alone). */
  results: Record<string, unknown>;
  toolApprovals: ToolApprovalRecord[];
  parentRunId: string | undefined;
  overrides: RunOverrides;
  /** The owner's gate keeps budgets: calls send what they may spend (`estimate`). */
  reservesBudget?: boolean;
  /** What earlier runs of the attempt logged of their work (a resumed run), to replay. */
  recorded?: LoggedEvent[];
  /**
   * Sent again after it may have run (its job was lost, or ended with no outcome to take):
   * its worker asks the owner what it logged so far, as for a redelivered job.
   */
  again?: boolean;
}

/** A job's data: attempts that became ready together, run side by side by one worker. */
export interface StepJob {
  /** The owner that sent it (its dispatcher's id). */
  owner: string;
  attempts: WireAttempt[];
}

/** How one attempt of a job ended, as the job's return value keeps it. */
export interface JobOutcome {
  /** The attempt's id. */
  a: string;
  /** The delivery that ran it. */
  d: string;
  /** The job ran before this delivery (see the settle message's `r`). */
  r?: boolean;
  /** See the settle message's `replayed`. */
  replayed?: boolean;
  o: WireOutcome;
  /**
   * Whether a new owner may take this outcome as the step's (it succeeded or failed on its
   * own); a cancelled, waiting or abandoned attempt is run again instead.
   */
  adoptable: boolean;
  /**
   * The delivery gave the attempt up (it lost the job's lock, or no owner answered): it sent
   * no settle, and the job's outcome is not the step's. Its owner sends the attempt again.
   */
  gaveUp?: boolean;
}

/** Where the owner last sent each step of a run (a field of the inflight hash). */
export interface InflightRecord {
  /** The dispatcher that sent it. */
  owner: string;
  /** The attempt's id. */
  attempt: string;
  queue: string;
  job: string;
  /** The attempt's place in the job's `attempts`. */
  index: number;
}

/** Spend as a permit's release reports it. */
export interface WireRelease {
  usage?: Usage;
  cost?: CostBreakdown;
  /** The call was aborted before its reply: its reservation stays spent. */
  possiblyBilled?: boolean;
  error?: SerializedError;
  retryAfterMs?: number;
}

/** Fields every worker -> owner message has: the attempt, and which delivery of it. */
interface FromAttempt {
  /** The attempt's id. */
  a: string;
  /** The delivery: one worker's execution of the attempt (a redelivered job is another). */
  d: string;
}

/** What a worker sends the run's owner. */
export type ToOwner =
  | (FromAttempt & {
      t: "settle";
      outcome: WireOutcome;
      /** The job ran before (a worker died or lost it): other deliveries' spend is in Redis. */
      r?: boolean;
      /**
       * It replayed what the attempt's earlier deliveries logged (a `recorded` answer): its
       * outcome books their spend.
       */
      replayed?: boolean;
    })
  | (FromAttempt & { t: "emit"; event: { type: string; [key: string]: unknown } })
  | (FromAttempt & { t: "relay"; event: { type: string; [key: string]: unknown } })
  | (FromAttempt & {
      t: "acquire";
      /** The worker to answer. */
      w: string;
      call: number;
      request: Omit<ModelCallRequest, "signal">;
    })
  /** A redelivery asks what the attempt logged of its work so far, to replay it. */
  | (FromAttempt & { t: "recorded"; w: string; call: number })
  | (FromAttempt & { t: "release"; call: number; outcome: WireRelease })
  | (FromAttempt & { t: "tool-cost"; report: ToolCostReport })
  | (FromAttempt & {
      t: "approval-request";
      request: { toolCallId: string; tool: string; input: unknown; message?: string };
    })
  | (FromAttempt & { t: "approval-output"; toolCallId: string; output: unknown });

/** The owner's answer to one permit request. */
export interface WirePermit {
  t: "permit";
  call: number;
  granted: boolean;
  reason?: "circuit-open" | "budget-exceeded";
  error?: SerializedError;
  switchTo?: string;
  /** A budget refusal's details, to rebuild its `BudgetExceededError`. */
  budget?: Omit<BudgetExceededEvent, "type" | keyof EventBase>;
  /** What a granted call holds against the budgets until it is released. */
  reservation?: CallReservation;
  /** The attempt is not current at this owner (it settled, or it is another delivery's): stop it. */
  stale?: boolean;
}

/** The owner's answer to a `recorded` request. */
export interface WireRecorded {
  t: "recorded";
  call: number;
  /** What the attempt logged of its work so far. */
  events: LoggedEvent[];
}

/** What the owner sends one worker: answers to its requests (a stale one is a `WirePermit`). */
export type ToWorker = WirePermit | WireRecorded;

/** What an owner tells every worker. */
export type Broadcast =
  | { t: "cancel"; attempts: string[]; reason: string }
  /** A new owner took the run over: send it again what may have reached the old one only. */
  | { t: "owner"; runId: string };

/** A worker's entry in the registry. */
export interface RegistryEntry {
  host: string;
  pid: number;
  /** When it last said it is alive (ms since the epoch). */
  at: number;
  /** The workflows it runs, with their step ids. */
  workflows: Record<string, string[]>;
}

/** The Redis names one prefix gives. */
export interface QueueKeys {
  prefix: string;
  /** The BullMQ queue of a workflow's steps. */
  queue(workflow: string): string;
  run(runId: string): string;
  worker(workerId: string): string;
  readonly broadcast: string;
  inflight(runId: string): string;
  /** What each delivery of an attempt spent, as its worker reports it (delivery -> JSON). */
  spend(attemptId: string): string;
  readonly registry: string;
  /** The hash BullMQ keeps a job in. */
  job(queue: string, jobId: string): string;
  /** The key BullMQ keeps a job's lock in: the token of the delivery that holds it. */
  lock(queue: string, jobId: string): string;
}

/** The Redis names under `prefix`. A workflow's name is encoded (BullMQ refuses `:`). */
export function queueKeys(prefix: string): QueueKeys {
  return {
    prefix,
    queue: (workflow) => `steps.${encodeURIComponent(workflow)}`,
    run: (runId) => `${prefix}:run:${runId}`,
    worker: (workerId) => `${prefix}:worker:${workerId}`,
    broadcast: `${prefix}:workers`,
    inflight: (runId) => `${prefix}:inflight:${runId}`,
    spend: (attemptId) => `${prefix}:spend:${attemptId}`,
    registry: `${prefix}:registry`,
    job: (queue, jobId) => `${prefix}:${queue}:${jobId}`,
    lock: (queue, jobId) => `${prefix}:${queue}:${jobId}:lock`,
  };
}

/** A worker whose registry entry is older than this is taken to be gone. */
export const REGISTRY_STALE_MS = 15_000;
/** How often a worker renews its registry entry. */
export const REGISTRY_BEAT_MS = 3_000;
