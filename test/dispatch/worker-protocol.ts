import type {
  BatonEvent,
  BudgetExceededEvent,
  EventBase,
  SerializedError,
} from "../../src/core/events.js";
import type { ModelCallRequest } from "../../src/core/model-call-gate.js";
import type { CallReservation } from "../../src/core/policies/call-reservation.js";
import type { LoggedEvent } from "../../src/core/ports/run-store.js";
import type { ToolApprovalRecord } from "../../src/core/run/fold-run-log.js";
import type { WireOutcome } from "../../src/core/run/wire-outcome.js";
import type { RunOverrides } from "../../src/core/run-context.js";
import type { CostBreakdown, Usage } from "../../src/core/usage.js";

/** One attempt as it crosses to the worker: JSON only. */
export interface WireAttempt {
  runId: string;
  workflow: string;
  stepId: string;
  kind: "function" | "agent" | "workflow";
  key: number;
  attempt: number;
  iteration: number;
  input: unknown;
  previous: unknown;
  results: Record<string, unknown>;
  toolApprovals: ToolApprovalRecord[];
  recorded: LoggedEvent[];
  parentRunId: string | undefined;
  overrides: RunOverrides;
}

/** What the owner's thread sends the worker. */
export type ToWorker =
  | { type: "dispatch"; id: number; attempt: WireAttempt }
  | { type: "cancel"; id: number; reason: string }
  | {
      type: "permit";
      call: number;
      granted: boolean;
      reason?: "circuit-open" | "budget-exceeded";
      error?: SerializedError;
      switchTo?: string;
      /** What a granted call holds against the owner's budgets. */
      reservation?: CallReservation;
      /** A budget refusal's details, to rebuild its `BudgetExceededError`. */
      budget?: Omit<BudgetExceededEvent, "type" | keyof EventBase>;
    }
  | { type: "store-result"; call: number; value?: unknown; error?: SerializedError };

/** What the worker sends the owner's thread. */
export type FromWorker =
  | { type: "settle"; id: number; outcome: WireOutcome }
  | { type: "emit"; id: number; event: { type: string; [key: string]: unknown } }
  | { type: "relay"; id: number; event: BatonEvent }
  | { type: "acquire"; id: number; call: number; request: Omit<ModelCallRequest, "signal"> }
  | {
      type: "release";
      call: number;
      outcome: {
        usage?: Usage;
        cost?: CostBreakdown;
        error?: SerializedError;
        retryAfterMs?: number;
        possiblyBilled?: boolean;
      };
    }
  | { type: "tool-cost"; id: number; report: { agent: string; tool: string; cents: number } }
  | {
      type: "approval-request";
      id: number;
      request: { toolCallId: string; tool: string; input: unknown; message?: string };
    }
  | { type: "approval-output"; id: number; toolCallId: string; output: unknown }
  | { type: "store"; id: number; call: number; method: string; args: unknown[] }
  /** Asks to be answered (`store-result`) once the events sent so far are stored. */
  | { type: "stored"; id: number; call: number };
