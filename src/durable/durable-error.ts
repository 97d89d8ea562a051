import { BatonError } from "../core/errors/baton-error.js";
import { errorMarker } from "../core/errors/error-marker.js";

const name = "DurableError";
const marker = errorMarker(name);

/** Why a durable operation (resume, approve, schedule, replay, fork) was refused. */
export type DurableErrorCode =
  /** The store holds no run with that id. */
  | "run-not-found"
  /** The run's workflow is neither a stored spec nor in the `workflows` registry. */
  | "workflow-not-found"
  /** Another live owner holds the run (its heartbeat is fresh). */
  | "run-owned"
  /** The run is a sub-workflow's: resume its parent instead. */
  | "child-run"
  /** The run has no pending approval that matches. */
  | "no-pending-approval"
  /** The store holds no schedule with that id. */
  | "schedule-not-found"
  /** `fork`'s `fromStep` is not a step of the workflow. */
  | "step-not-found"
  /** This process lost the run to another owner while running it. */
  | "ownership-lost"
  /** The durable instance or scheduler was closed. */
  | "closed";

/**
 * A durable operation was refused. `code` says why, `runId` (or `scheduleId`) names what
 * it was about, so the CLI can print a precise message.
 */
export class DurableError extends BatonError {
  readonly [marker] = true;
  override readonly code: DurableErrorCode;
  readonly runId: string | undefined;
  readonly scheduleId: string | undefined;

  constructor(
    message: string,
    options: { code: DurableErrorCode; runId?: string; scheduleId?: string; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = name;
    this.code = options.code;
    this.runId = options.runId;
    this.scheduleId = options.scheduleId;
  }

  static override isInstance(error: unknown): error is DurableError {
    return BatonError.hasMarker(error, marker);
  }
}
