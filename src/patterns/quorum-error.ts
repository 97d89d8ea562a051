import { errorMarker, type SerializedError } from "../engine/index.js";
import { BatonError } from "../index.js";

const marker = errorMarker("QuorumError");

/**
 * Too few of an orchestration's subtasks succeeded for its `failureMode` (`"continue"`
 * needs one, `{ quorum: n }` needs `n`). Names the subtasks that gave no result.
 */
export class QuorumError extends BatonError {
  readonly [marker] = true;
  readonly succeeded: number;
  readonly needed: number;
  readonly failed: ReadonlyArray<{
    id: string;
    status: "failed" | "skipped";
    error?: SerializedError;
  }>;
  readonly isRetryable = false;

  constructor(options: {
    succeeded: number;
    needed: number;
    failed: ReadonlyArray<{ id: string; status: "failed" | "skipped"; error?: SerializedError }>;
  }) {
    const { succeeded, needed, failed } = options;
    super(
      `${succeeded} of ${succeeded + failed.length} subtasks succeeded, fewer than the ${needed} needed: ${failed
        .map((entry) => `${entry.id} (${entry.error?.message ?? entry.status})`)
        .join(", ")}`,
      { code: "quorum-not-met" },
    );
    this.name = "QuorumError";
    this.succeeded = succeeded;
    this.needed = needed;
    this.failed = failed;
  }

  static override isInstance(error: unknown): error is QuorumError {
    return BatonError.hasMarker(error, marker);
  }
}
