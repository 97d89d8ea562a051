import { BatonError } from "../errors/baton-error.js";
import { errorMarker } from "../errors/error-marker.js";
import { type SerializedError, serializeError } from "../events.js";
import type { Outcome } from "../outcome.js";
import type { CostBreakdown, Usage } from "../usage.js";
import { checkJson } from "./check-json.js";

const remoteMarker = errorMarker("RemoteError");

/** An outcome as it crosses between processes or threads: JSON only. */
export type WireOutcome =
  | { status: "succeeded"; output: unknown; usage: Usage; cost: CostBreakdown; model?: string }
  | {
      status: "failed" | "cancelled" | "waiting";
      error?: SerializedError;
      reason?: string;
      usage: Usage;
      cost: CostBreakdown;
    };

/**
 * An outcome as JSON, for a dispatcher that sends it elsewhere. A succeeded outcome whose
 * output is not JSON becomes a failed one that says where (`output.handle is a function`):
 * nothing is lost silently.
 */
export function toWire(outcome: Outcome, stepId: string): WireOutcome {
  const { usage, cost } = outcome;
  if (outcome.status === "succeeded") {
    try {
      checkJson(outcome.output, `step "${stepId}" output`);
    } catch (error) {
      return { status: "failed", error: serializeError(error), usage, cost };
    }
    return {
      status: "succeeded",
      output: outcome.output,
      usage,
      cost,
      ...(outcome.model !== undefined ? { model: outcome.model } : {}),
    };
  }
  return {
    status: outcome.status,
    usage,
    cost,
    ...(outcome.error !== undefined ? { error: serializeError(outcome.error) } : {}),
    ...(outcome.status === "waiting" ? { reason: outcome.reason } : {}),
  };
}

/** The outcome a `WireOutcome` stands for; errors come back as `RemoteError`s. */
export function fromWire(wire: WireOutcome): Outcome {
  const { usage, cost } = wire;
  switch (wire.status) {
    case "succeeded":
      return {
        status: "succeeded",
        output: wire.output,
        usage,
        cost,
        ...(wire.model !== undefined ? { model: wire.model } : {}),
      };
    case "waiting":
      return {
        status: "waiting",
        reason: wire.reason ?? "approval",
        ...(wire.error ? { error: new RemoteError(wire.error) } : {}),
        usage,
        cost,
      };
    default:
      return {
        status: wire.status,
        error: new RemoteError(wire.error ?? { name: "Error", message: "The step failed" }),
        usage,
        cost,
      };
  }
}

/**
 * An error that happened where a step ran (another thread, process or machine), as it
 * was reported: its name, message, and HTTP status and retryability when it had them.
 */
export class RemoteError extends BatonError {
  readonly [remoteMarker] = true;
  readonly statusCode: number | undefined;
  readonly isRetryable: boolean | undefined;

  constructor(serialized: SerializedError) {
    super(serialized.message, { code: serialized.code ?? "remote" });
    // The name of the error as it happened: what logs and the model see.
    this.name = serialized.name;
    this.statusCode = serialized.statusCode;
    this.isRetryable = serialized.isRetryable;
  }

  static override isInstance(error: unknown): error is RemoteError {
    return BatonError.hasMarker(error, remoteMarker);
  }
}
