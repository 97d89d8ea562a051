import type { BatonEvent } from "../events.js";
import type { ModelCallGate } from "../model-call-gate.js";
import type { Clock } from "../ports/clock.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { RunStore } from "../ports/run-store.js";
import type { RunTelemetry } from "../ports/run-telemetry.js";
import type { ParentLink, RunContext, RunOverrides, ToolApprovals } from "../run-context.js";
import type { RunnableEvent } from "../runnable.js";
import type { ToolApprovalRecord } from "./fold-run-log.js";

/**
 * A context for something a step runs inside its own work (`context.run` in a function
 * step): the step's context with other overrides and a signal of its own, so that a tool
 * call waiting for approval stops that run, not the whole step. `dispose()` unhooks the
 * signal once the run is over.
 */
export function deriveRunContext(
  base: RunContext,
  changes: { overrides: RunOverrides; signal?: AbortSignal | undefined },
): { context: RunContext; dispose(): void } {
  const controller = new AbortController();
  const signals = changes.signal ? [base.signal, changes.signal] : [base.signal];
  const listeners = signals.map((signal) => {
    const onAbort = () => controller.abort(signal.reason);
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener("abort", onAbort, { once: true });
    return () => signal.removeEventListener("abort", onAbort);
  });
  const context = new DerivedRunContext(base, controller, changes.overrides);
  return {
    context,
    dispose: () => {
      for (const unhook of listeners) unhook();
    },
  };
}

class DerivedRunContext implements RunContext, ToolApprovals {
  readonly #base: RunContext;
  readonly #controller: AbortController;
  readonly overrides: RunOverrides;

  constructor(base: RunContext, controller: AbortController, overrides: RunOverrides) {
    this.#base = base;
    this.#controller = controller;
    this.overrides = overrides;
  }

  get runId(): string {
    return this.#base.runId;
  }
  get stepId(): string {
    return this.#base.stepId;
  }
  get attempt(): number {
    return this.#base.attempt;
  }
  get parent(): ParentLink | undefined {
    return this.#base.parent;
  }
  get store(): RunStore {
    return this.#base.store;
  }
  get ids(): IdGenerator {
    return this.#base.ids;
  }
  get clock(): Clock {
    return this.#base.clock;
  }
  get random(): () => number {
    return this.#base.random;
  }
  get gate(): ModelCallGate {
    return this.#base.gate;
  }
  get telemetry(): RunTelemetry | undefined {
    return this.#base.telemetry;
  }
  get signal(): AbortSignal {
    return this.#controller.signal;
  }
  emit(event: RunnableEvent): void {
    this.#base.emit(event);
  }
  relay(event: BatonEvent): void {
    this.#base.relay(event);
  }
  get approvals(): ToolApprovals {
    return this;
  }
  get records(): readonly ToolApprovalRecord[] {
    return this.#base.approvals.records;
  }
  get pending(): boolean {
    return this.#base.approvals.pending;
  }
  request(request: { toolCallId: string; tool: string; input: unknown; message?: string }): void {
    this.#base.approvals.request(request);
    if (!this.#controller.signal.aborted) {
      this.#controller.abort(new Error(`Tool "${request.tool}" waits for approval`));
    }
  }
  consume(record: ToolApprovalRecord): boolean {
    return this.#base.approvals.consume(record);
  }
  recordOutput(toolCallId: string, output: unknown): void {
    this.#base.approvals.recordOutput(toolCallId, output);
  }
}
