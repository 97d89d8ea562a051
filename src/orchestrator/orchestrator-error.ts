import { errorMarker } from "../engine/index.js";
import { BatonError, type CostBreakdown, type Usage, type WorkflowResult } from "../index.js";
import type { OrchestratorCostBreakdown } from "./cost-breakdown.js";

const name = "OrchestratorError";
const marker = errorMarker(name);

/**
 * An orchestrator's `process()` run did not succeed. Carries the run's id and result, and
 * what it spent (every model call, failed ones included), so a failed run is still billed.
 */
export class OrchestratorError extends BatonError {
  readonly [marker] = true;
  readonly runId: string;
  readonly status: WorkflowResult["status"];
  readonly result: WorkflowResult;
  readonly usage: Usage;
  /** The run's cost as the engine folded it from its steps. */
  readonly cost: CostBreakdown;
  /** The cost of every model and tool call, by part and by agent. */
  readonly costBreakdown: OrchestratorCostBreakdown | undefined;

  constructor(
    orchestrator: string,
    result: WorkflowResult,
    spent: { usage?: Usage; costBreakdown?: OrchestratorCostBreakdown } = {},
  ) {
    const why =
      result.status === "waiting"
        ? `is waiting (${result.waitReason ?? "approval"})`
        : result.status === "cancelled"
          ? "was cancelled"
          : `failed: ${result.error?.message ?? "unknown error"}`;
    super(`Orchestrator "${orchestrator}" (run ${result.runId}) ${why}`, {
      cause: result.error,
      code: "orchestrator-failed",
    });
    this.name = name;
    this.runId = result.runId;
    this.status = result.status;
    this.result = result;
    this.usage = spent.usage ?? result.usage;
    this.cost = result.cost;
    this.costBreakdown = spent.costBreakdown;
  }

  static override isInstance(error: unknown): error is OrchestratorError {
    return BatonError.hasMarker(error, marker);
  }
}
