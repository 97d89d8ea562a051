import { parentPort, workerData } from "node:worker_threads";
import { CancelledError } from "../../src/core/errors/cancelled-error.js";
import { serializeError } from "../../src/core/events.js";
import type { ModelCallGate, ModelCallPermit } from "../../src/core/model-call-gate.js";
import { BudgetExceededError } from "../../src/core/policies/budget-exceeded-error.js";
import type { RunStore } from "../../src/core/ports/run-store.js";
import { childRunIdOf } from "../../src/core/run/child-run-id.js";
import { executeStep } from "../../src/core/run/execute-step.js";
import type { ToolApprovalRecord } from "../../src/core/run/fold-run-log.js";
import { RemoteError, toWire } from "../../src/core/run/wire-outcome.js";
import type { RunContext } from "../../src/core/run-context.js";
import type { Workflow } from "../../src/core/workflow/workflow.js";
import { randomIdGenerator } from "../../src/runtime/random-id-generator.js";
import { systemClock } from "../../src/runtime/system-clock.js";
import type { FromWorker, ToWorker, WireAttempt } from "./worker-protocol.js";

/** The worker side of `workerThreadDispatcher`: runs the attempts it is sent. */
const port = parentPort!;
const { default: workflows } = (await import(workerData.registry as string)) as {
  default: Record<string, Workflow<never>>;
};
const controllers = new Map<number, AbortController>();
const waiting = new Map<number, (message: ToWorker) => void>();
let calls = 0;
const post = (message: FromWorker) => port.postMessage(message);
/** Events and values cross as JSON: what a step emits is copied as the owner would store it. */
const json = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

function ask(message: (call: number) => FromWorker): Promise<ToWorker> {
  const call = ++calls;
  return new Promise((resolve) => {
    waiting.set(call, resolve);
    post(message(call));
  });
}

port.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "dispatch":
      void run(message.id, message.attempt);
      return;
    case "cancel":
      controllers.get(message.id)?.abort(new CancelledError(message.reason || undefined));
      return;
    case "permit":
    case "store-result": {
      const resolve = waiting.get(message.call);
      waiting.delete(message.call);
      resolve?.(message);
      return;
    }
  }
});

function gateFor(id: number): ModelCallGate {
  return {
    // The owner's budget is not known here: calls always send what they may spend.
    reservesBudget: true,
    async acquire(request): Promise<ModelCallPermit> {
      const { signal: _signal, ...rest } = request;
      const answer = await ask((call) => ({ type: "acquire", id, call, request: rest }));
      if (answer.type !== "permit") throw new Error("unexpected answer");
      if (answer.granted) {
        return {
          granted: true,
          ...(answer.reservation ? { reservation: answer.reservation } : {}),
          release(outcome) {
            const { error, ...spend } = outcome;
            post({
              type: "release",
              call: answer.call,
              outcome: json({ ...spend, ...(error ? { error: serializeError(error) } : {}) }),
            });
          },
        };
      }
      const error = answer.budget
        ? new BudgetExceededError(answer.budget)
        : new RemoteError(answer.error ?? { name: "Error", message: "refused" });
      if (!answer.reason) throw error;
      return {
        granted: false,
        reason: answer.reason,
        error,
        ...(answer.switchTo !== undefined ? { switchTo: answer.switchTo } : {}),
      };
    },
    recordToolCost(report) {
      post({ type: "tool-cost", id, report });
    },
  };
}

function storeFor(id: number): RunStore {
  const call =
    (method: string) =>
    async (...args: unknown[]): Promise<unknown> => {
      const answer = await ask((call) => ({ type: "store", id, call, method, args: json(args) }));
      if (answer.type !== "store-result") throw new Error("unexpected answer");
      if (answer.error) throw new RemoteError(answer.error);
      return answer.value;
    };
  return {
    createRun: call("createRun"),
    append: call("append"),
    readLog: call("readLog"),
    getRun: call("getRun"),
    listRuns: call("listRuns"),
    updateRun: call("updateRun"),
    claimRun: call("claimRun"),
    close: async () => {},
  } as RunStore;
}

async function run(id: number, attempt: WireAttempt): Promise<void> {
  const step = workflows[attempt.workflow]?.stepDefinition(attempt.stepId);
  if (!step) {
    const error = new Error(
      `This worker has no step "${attempt.stepId}" of workflow "${attempt.workflow}"`,
    );
    post({
      type: "settle",
      id,
      outcome: { status: "failed", error: serializeError(error), usage: zeroUsage, cost: zeroCost },
    });
    return;
  }
  const controller = new AbortController();
  controllers.set(id, controller);
  const consumed = new Set<ToolApprovalRecord>();
  let pending = false;
  const context: RunContext = {
    runId: attempt.runId,
    stepId: attempt.stepId,
    attempt: attempt.attempt,
    path: "",
    recorded: attempt.recorded,
    childRunId: () =>
      childRunIdOf({
        runId: attempt.runId,
        stepId: attempt.stepId,
        iteration: attempt.iteration,
        attempt: attempt.attempt,
        path: "",
      }),
    parent: attempt.parentRunId ? { runId: attempt.parentRunId, stepId: "" } : undefined,
    store: storeFor(id),
    ids: randomIdGenerator,
    clock: systemClock,
    random: Math.random,
    gate: gateFor(id),
    signal: controller.signal,
    overrides: attempt.overrides,
    emit: (event) => post({ type: "emit", id, event: json(event) }),
    relay: (event) => post({ type: "relay", id, event: json(event) }),
    // Messages arrive in order: the owner answers once the events posted before are stored.
    stored: async () => {
      await ask((call) => ({ type: "stored", id, call }));
    },
    approvals: {
      records: attempt.toolApprovals,
      get pending() {
        return pending;
      },
      request(request) {
        pending = true;
        post({ type: "approval-request", id, request: json(request) });
        controller.abort(new Error(`Tool "${request.tool}" waits for approval`));
      },
      consume(record) {
        if (consumed.has(record)) return false;
        consumed.add(record);
        return true;
      },
      recordOutput(toolCallId, output) {
        post({ type: "approval-output", id, toolCallId, output: json(output) });
      },
    },
  };
  const outcome = await executeStep(step, attempt, context);
  controllers.delete(id);
  post({ type: "settle", id, outcome: toWire(outcome, attempt.stepId) });
}

const zeroUsage = {
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
};
const zeroCost = { modelCents: 0, toolCents: 0, totalCents: 0, unpricedModels: [] };
