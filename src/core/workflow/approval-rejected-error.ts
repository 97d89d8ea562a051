import { BatonError } from "../errors/baton-error.js";

const marker = Symbol.for("baton.error.approval-rejected");

/** A step that needed approval was rejected, so it fails without running. */
export class ApprovalRejectedError extends BatonError {
  readonly [marker] = true;
  readonly stepId: string;
  readonly comment: string | undefined;

  constructor(options: { stepId: string; comment?: string }) {
    super(
      `Step "${options.stepId}" was not approved${options.comment ? `: ${options.comment}` : ""}`,
    );
    this.name = "ApprovalRejectedError";
    this.stepId = options.stepId;
    this.comment = options.comment;
  }

  static override isInstance(error: unknown): error is ApprovalRejectedError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
