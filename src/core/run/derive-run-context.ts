import type { RunContext, RunOverrides, ToolApprovals } from "../run-context.js";
import type { ToolApprovalRecord } from "./fold-run-log.js";
import { ScopedRunContext } from "./scoped-run-context.js";

/** What a derived context changes of its base. */
export interface RunContextChanges {
  overrides: RunOverrides;
  /** Also stops the derived context's work. */
  signal?: AbortSignal | undefined;
  /** Names the work within the base's: its path is the base's plus this key. */
  key: string;
  /**
   * Whether the step waits for something the work does not see (another run it started
   * waits for an approval): the work then stops before its next model call.
   * @default never
   */
  waits?: () => boolean;
}

/**
 * A context for something a step runs inside its own work (`context.run` in a function
 * step): the step's context with other overrides, a path of its own (`key`) and a signal of
 * its own, so that a tool call waiting for approval stops that run, not the whole step.
 * `dispose()` unhooks the signal once the run is over.
 */
export function deriveRunContext(
  base: RunContext,
  changes: RunContextChanges,
): { context: RunContext; dispose(): void } {
  const controller = new AbortController();
  const signals = changes.signal ? [base.signal, changes.signal] : [base.signal];
  const listeners = signals.map((signal) => {
    const onAbort = () => controller.abort(signal.reason);
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener("abort", onAbort, { once: true });
    return () => signal.removeEventListener("abort", onAbort);
  });
  const context = new DerivedRunContext(base, controller, changes);
  return {
    context,
    dispose: () => {
      for (const unhook of listeners) unhook();
    },
  };
}

class DerivedRunContext extends ScopedRunContext implements ToolApprovals {
  readonly #controller: AbortController;
  readonly #waits: (() => boolean) | undefined;
  readonly #overrides: RunOverrides;

  constructor(base: RunContext, controller: AbortController, changes: RunContextChanges) {
    super(base, changes.key);
    this.#controller = controller;
    this.#waits = changes.waits;
    this.#overrides = changes.overrides;
  }

  override get overrides(): RunOverrides {
    return this.#overrides;
  }
  override get signal(): AbortSignal {
    return this.#controller.signal;
  }
  override get approvals(): ToolApprovals {
    return this;
  }
  get records(): readonly ToolApprovalRecord[] {
    return this.base.approvals.records;
  }
  get pending(): boolean {
    return this.base.approvals.pending || this.#waits?.() === true;
  }
  request(request: { toolCallId: string; tool: string; input: unknown; message?: string }): void {
    this.base.approvals.request(request);
    if (!this.#controller.signal.aborted) {
      this.#controller.abort(new Error(`Tool "${request.tool}" waits for approval`));
    }
  }
  consume(record: ToolApprovalRecord): boolean {
    return this.base.approvals.consume(record);
  }
  recordOutput(toolCallId: string, output: unknown): void {
    this.base.approvals.recordOutput(toolCallId, output);
  }
}
