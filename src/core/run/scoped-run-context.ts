import type { BatonEvent } from "../events.js";
import type { ModelCallGate } from "../model-call-gate.js";
import type { Clock } from "../ports/clock.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { LoggedEvent, RunStore } from "../ports/run-store.js";
import type { RunTelemetry } from "../ports/run-telemetry.js";
import type { ParentLink, RunContext, RunOverrides, ToolApprovals } from "../run-context.js";
import type { RunnableEvent } from "../runnable.js";
import { joinPath, pathSegment } from "./child-run-id.js";

/**
 * The run context of one piece of work inside another's (a tool call of an agent): the
 * base context with a path of its own (`key` below the base's), so that what the work
 * starts (a child run, a subagent's turns) is found again when the step resumes.
 * Everything else (signal, approvals, emit, gate) is the base's.
 */
export function scopedRunContext(base: RunContext, key: string): RunContext {
  return new ScopedRunContext(base, key);
}

/** A run context that is its base's but for its path; subclasses change more (internal). */
export class ScopedRunContext implements RunContext {
  readonly #base: RunContext;
  readonly #key: string;
  readonly path: string;

  constructor(base: RunContext, key: string) {
    this.#base = base;
    this.#key = key;
    this.path = joinPath(base.path, key);
  }

  /** The context this one is derived from. */
  protected get base(): RunContext {
    return this.#base;
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
    return this.#base.signal;
  }
  get overrides(): RunOverrides {
    return this.#base.overrides;
  }
  get approvals(): ToolApprovals {
    return this.#base.approvals;
  }
  get recorded(): readonly LoggedEvent[] {
    return this.#base.recorded;
  }
  emit(event: RunnableEvent): void {
    this.#base.emit(event);
  }
  relay(event: BatonEvent): void {
    this.#base.relay(event);
  }
  stored(): Promise<void> {
    return this.#base.stored();
  }
  childRunId(): string {
    return `${this.#base.childRunId()}/${pathSegment(this.#key)}`;
  }
}
