import { BatonError } from "../errors/baton-error.js";
import { errorMarker } from "../errors/error-marker.js";

const name = "ApprovalRejectedError";
const marker = errorMarker(name);

/** A step that needed approval was rejected, so it fails without running. */
export class ApprovalRejectedError extends BatonError {
  readonly [marker] = true;
  readonly stepId: string;
  readonly comment: string | undefined;

  constructor(options: { stepId: string; comment?: string }) {
    super(
      `Step "${options.stepId}" was not approved${options.comment ? `: ${options.comment}` : ""}`,
      { code: "approval-rejected" },
    );
    this.name = name;
    this.stepId = options.stepId;
    this.comment = options.comment;
  }

  static override isInstance(error: unknown): error is ApprovalRejectedError {
    return BatonError.hasMarker(error, marker);
  }
}
