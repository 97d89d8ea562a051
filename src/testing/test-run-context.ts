import type { BatonEvent } from "../core/events.js";
import type { ModelCallGate } from "../core/model-call-gate.js";
import type { Clock } from "../core/ports/clock.js";
import { type IdGenerator, sequentialIdGenerator } from "../core/ports/id-generator.js";
import type { LoggedEvent, RunStore } from "../core/ports/run-store.js";
import { childRunIdOf } from "../core/run/child-run-id.js";
import type { ToolApprovalRecord } from "../core/run/fold-run-log.js";
import type { RunContext, RunOverrides, ToolApprovals } from "../core/run-context.js";
import type { RunnableEvent } from "../core/runnable.js";
import { systemClock } from "../runtime/system-clock.js";
import { MemoryStore } from "../stores/memory/memory-store.js";

/** What `testRunContext` takes; everything has a default. */
export interface TestRunContextOptions {
  /** @default "run_test" */
  runId?: string;
  /** @default "step" */
  stepId?: string;
  /** @default a gate that grants every call */
  gate?: ModelCallGate;
  /** @default systemClock */
  clock?: Clock;
  /** @default a signal that never aborts */
  signal?: AbortSignal;
  /** Receives what the runnable emits. */
  onEvent?: (event: RunnableEvent) => void;
  /** @default a new MemoryStore */
  store?: RunStore;
  /** @default sequential ids */
  ids?: IdGenerator;
  overrides?: RunOverrides;
  /** Tool calls of the step that asked for approval, decided ones included. @default [] */
  approvals?: ToolApprovalRecord[];
  /** What earlier runs of the attempt logged, for a resumed agent to replay. @default [] */
  recorded?: LoggedEvent[];
}

/** A run context that records what was done through it. */
export interface TestRunContext extends RunContext {
  /** Events emitted through `emit`, in order. */
  readonly events: RunnableEvent[];
  /** Child-run events relayed through `relay`, in order. */
  readonly relayed: BatonEvent[];
  /** Approval requests made through `approvals.request`, in order. */
  readonly approvalRequests: Array<{ toolCallId: string; tool: string; input: unknown }>;
}

const openGate: ModelCallGate = {
  acquire: async () => ({ granted: true, release: () => {} }),
};

/**
 * A `RunContext` for running an agent or a custom runnable's `execute` directly in a test,
 * outside a workflow: it records the events, relayed events and approval requests.
 * @example
 * const outcome = await myAgent.execute("hi", testRunContext({ gate }));
 * expect(outcome.status).toBe("succeeded");
 */
export function testRunContext(options: TestRunContextOptions = {}): TestRunContext {
  const events: RunnableEvent[] = [];
  const relayed: BatonEvent[] = [];
  const approvalRequests: TestRunContext["approvalRequests"] = [];
  const records = options.approvals ?? [];
  const consumed = new Set<ToolApprovalRecord>();
  let pending = false;
  const approvals: ToolApprovals = {
    records,
    get pending() {
      return pending;
    },
    request(request) {
      approvalRequests.push(request);
      pending = true;
    },
    consume(record) {
      if (consumed.has(record)) return false;
      consumed.add(record);
      return true;
    },
    recordOutput(toolCallId, output) {
      events.push({ type: "approval-output", toolCallId, output });
    },
  };
  const runId = options.runId ?? "run_test";
  const stepId = options.stepId ?? "step";
  return {
    runId,
    stepId,
    attempt: 1,
    path: "",
    recorded: options.recorded ?? [],
    childRunId: () => childRunIdOf({ runId, stepId, iteration: 1, attempt: 1, path: "" }),
    parent: undefined,
    store: options.store ?? new MemoryStore(),
    ids: options.ids ?? sequentialIdGenerator(),
    clock: options.clock ?? systemClock,
    random: () => 0.5,
    gate: options.gate ?? openGate,
    signal: options.signal ?? new AbortController().signal,
    overrides: options.overrides ?? {},
    approvals,
    events,
    relayed,
    approvalRequests,
    emit(event) {
      events.push(event);
      options.onEvent?.(event);
    },
    relay(event) {
      relayed.push(event);
    },
    // Events are kept as they are emitted: there is no store to wait for.
    stored: () => Promise.resolve(),
  };
}
