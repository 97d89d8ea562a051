import { BatonError } from "../errors/baton-error.js";
import { errorMarker } from "../errors/error-marker.js";
import type { WorkflowResult } from "../run/run.js";
import type { CostBreakdown, Usage } from "../usage.js";

const name = "WorkflowError";
const marker = errorMarker(name);

/**
 * A workflow run as a step (`workflow.run()`) did not succeed. Carries the run's result,
 * and its usage and cost, so the enclosing step is billed for the failed run too.
 */
export class WorkflowError extends BatonError {
  readonly [marker] = true;
  readonly runId: string;
  readonly status: WorkflowResult["status"];
  readonly result: WorkflowResult;
  usage: Usage;
  readonly cost: CostBreakdown;
  readonly isRetryable = false;

  /**
   * @param options.kind what ran, for the message (`Orchestrator "x" (run ...) failed`) and
   *   `code` (`orchestrator-failed`) of subclasses. @default "workflow"
   */
  constructor(
    workflow: string,
    result: WorkflowResult,
    { kind = "workflow" }: { kind?: string } = {},
  ) {
    const why =
      result.status === "waiting"
        ? `is waiting (${result.waitReason ?? "approval"})`
        : result.status === "cancelled"
          ? "was cancelled"
          : `failed: ${result.error?.message ?? "unknown error"}`;
    const what = `${kind[0]!.toUpperCase()}${kind.slice(1)}`;
    super(`${what} "${workflow}" (run ${result.runId}) ${why}`, {
      cause: result.error,
      code: `${kind}-failed`,
    });
    this.name = name;
    this.runId = result.runId;
    this.status = result.status;
    this.result = result;
    this.usage = result.usage;
    this.cost = result.cost;
  }

  static override isInstance(error: unknown): error is WorkflowError {
    return BatonError.hasMarker(error, marker);
  }
}
