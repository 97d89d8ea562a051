import { errorMarker } from "../engine/index.js";
import { BatonError, type Usage, WorkflowError, type WorkflowResult } from "../index.js";
import type { OrchestratorCostBreakdown } from "./cost-breakdown.js";

const name = "OrchestratorError";
const marker = errorMarker(name);

/**
 * An orchestrator's `process()` run did not succeed: a `WorkflowError` (the run's id,
 * status, result and cost) that also carries what it spent by part and by agent (every
 * model call, failed ones included), so a failed run is still billed.
 */
export class OrchestratorError extends WorkflowError {
  readonly [marker] = true;
  /** The cost of every model and tool call, by part and by agent. */
  readonly costBreakdown: OrchestratorCostBreakdown | undefined;

  constructor(
    orchestrator: string,
    result: WorkflowResult,
    spent: { usage?: Usage; costBreakdown?: OrchestratorCostBreakdown } = {},
  ) {
    super(orchestrator, result, { kind: "orchestrator" });
    this.name = name;
    if (spent.usage) this.usage = spent.usage;
    this.costBreakdown = spent.costBreakdown;
  }

  static override isInstance(error: unknown): error is OrchestratorError {
    return BatonError.hasMarker(error, marker);
  }
}
