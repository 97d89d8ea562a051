import { Worker } from "node:worker_threads";
import { serializeError } from "../../src/core/events.js";
import type { ModelCallPermit } from "../../src/core/model-call-gate.js";
import { BudgetExceededError } from "../../src/core/policies/budget-exceeded-error.js";
import type { RunStore } from "../../src/core/ports/run-store.js";
import type {
  AttemptHost,
  StepAttempt,
  StepDispatcher,
} from "../../src/core/ports/step-dispatcher.js";
import { checkJson } from "../../src/core/run/check-json.js";
import { failedWithoutSpend } from "../../src/core/run/execute-step.js";
import { fromWire, RemoteError } from "../../src/core/run/wire-outcome.js";
import type { FromWorker, ToWorker, WireAttempt } from "./worker-protocol.js";

const TSX_LOADER = import.meta.resolve("tsx");

/**
 * A dispatcher that runs every step in a `worker_threads` worker, with only JSON in
 * between (test-only: the proof that a step can run elsewhere). The worker imports
 * `registry` (a module whose default export is the workflows by name) and runs the steps
 * of those workflows; the calls a step makes on its run context (emit, the gate, the
 * store, approvals) travel back as messages to the owner's context.
 */
export function workerThreadDispatcher(registry: URL): StepDispatcher & { close(): Promise<void> } {
  const worker = new Worker(new URL("./worker-entry.ts", import.meta.url), {
    workerData: { registry: registry.href },
    execArgv: ["--import", TSX_LOADER],
  });
  worker.unref();
  const hosts = new Map<number, AttemptHost>();
  const permits = new Map<number, Extract<ModelCallPermit, { granted: true }>>();
  let next = 0;
  const send = (message: ToWorker) => worker.postMessage(message);

  worker.on("message", (message: FromWorker) => {
    if (message.type === "release") {
      const permit = permits.get(message.call);
      permits.delete(message.call);
      const { error, ...rest } = message.outcome;
      permit?.release({ ...rest, ...(error ? { error: new RemoteError(error) } : {}) });
      return;
    }
    const host = hosts.get(message.id);
    if (!host) return;
    const { context } = host;
    switch (message.type) {
      case "settle":
        hosts.delete(message.id);
        host.settle(fromWire(message.outcome));
        return;
      case "emit":
        context.emit(message.event);
        return;
      case "relay":
        context.relay(message.event);
        return;
      case "tool-cost":
        context.gate.recordToolCost?.(message.report);
        return;
      case "approval-request":
        context.approvals.request(message.request);
        return;
      case "approval-output":
        context.approvals.recordOutput(message.toolCallId, message.output);
        return;
      case "acquire":
        context.gate.acquire({ ...message.request, signal: context.signal }).then(
          (permit) => {
            if (permit.granted) {
              permits.set(message.call, permit);
              send({
                type: "permit",
                call: message.call,
                granted: true,
                ...(permit.reservation ? { reservation: permit.reservation } : {}),
              });
              return;
            }
            send({
              type: "permit",
              call: message.call,
              granted: false,
              reason: permit.reason,
              error: serializeError(permit.error),
              ...(permit.switchTo !== undefined ? { switchTo: permit.switchTo } : {}),
              ...(BudgetExceededError.isInstance(permit.error)
                ? { budget: JSON.parse(JSON.stringify(budgetFields(permit.error))) }
                : {}),
            });
          },
          (error) =>
            send({
              type: "permit",
              call: message.call,
              granted: false,
              error: serializeError(error),
            }),
        );
        return;
      case "stored":
        context.stored().then(() => send({ type: "store-result", call: message.call }));
        return;
      case "store": {
        const store = context.store as unknown as Record<
          string,
          (...args: unknown[]) => Promise<unknown>
        >;
        const method = store[message.method as keyof RunStore];
        Promise.resolve()
          .then(() => method!.apply(context.store, message.args))
          .then(
            (value) => send({ type: "store-result", call: message.call, value }),
            (error) =>
              send({ type: "store-result", call: message.call, error: serializeError(error) }),
          );
        return;
      }
    }
  });

  return {
    dispatch(attempt: StepAttempt, host: AttemptHost): void {
      const id = ++next;
      const wire: WireAttempt = {
        runId: attempt.runId,
        workflow: attempt.workflow,
        stepId: attempt.stepId,
        kind: attempt.kind,
        key: attempt.key,
        attempt: attempt.attempt,
        iteration: attempt.iteration,
        input: attempt.input,
        previous: attempt.previous,
        results: attempt.results,
        toolApprovals: [...attempt.toolApprovals],
        recorded: [...attempt.recorded],
        parentRunId: attempt.parentRunId,
        overrides: JSON.parse(JSON.stringify(host.context.overrides)),
      };
      try {
        checkJson(wire.input, `step "${attempt.stepId}" input`);
        checkJson(wire.previous ?? null, `step "${attempt.stepId}" previous output`);
        checkJson(wire.results, "results");
      } catch (error) {
        host.settle(failedWithoutSpend(error));
        return;
      }
      hosts.set(id, host);
      const onAbort = () =>
        send({ type: "cancel", id, reason: String(host.context.signal.reason?.message ?? "") });
      if (host.context.signal.aborted) queueMicrotask(onAbort);
      else host.context.signal.addEventListener("abort", onAbort, { once: true });
      send({ type: "dispatch", id, attempt: wire });
    },
    close: async () => {
      await worker.terminate();
    },
  };
}

function budgetFields(error: BudgetExceededError) {
  const { scope, agent, limit, spent, action, switchTo } = error;
  return { scope, agent, limit, spent, action, switchTo };
}
