import { BatonError } from "../core/errors/baton-error.js";
import { errorMarker } from "../core/errors/error-marker.js";

const name = "WorkerError";
const marker = errorMarker(name);

/** Why a step could not run on a worker. */
export type WorkerErrorCode =
  /** The dispatcher or worker was closed. */
  | "closed"
  /** The worker does not know the step (it runs another version of the workflow). */
  | "unknown-step"
  /** The step's job failed in the queue (its workers died too often running it). */
  | "job-failed"
  /** No owner answered the worker for `ownerWaitMs`: the step was given up. */
  | "owner-gone"
  /** The attempt is no longer current at its owner, or this worker lost its job's lock. */
  | "stale";

/** A step could not run on a worker, or its result could not come back. */
export class WorkerError extends BatonError {
  readonly [marker] = true;
  override readonly code: WorkerErrorCode;

  constructor(message: string, options: { code?: WorkerErrorCode; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = name;
    this.code = options.code ?? "job-failed";
  }

  static override isInstance(error: unknown): error is WorkerError {
    return BatonError.hasMarker(error, marker);
  }
}
