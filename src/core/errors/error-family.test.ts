import { describe, expect, it } from "vitest";
import { CliInputError } from "../../cli/cli-input-error.js";
import { DurableError } from "../../durable/durable-error.js";
import { ApprovalPendingError, ToolCallRejectedError } from "../../durable/requires-approval.js";
import * as orchestrator from "../../orchestrator/index.js";
import { OrchestratorError } from "../../orchestrator/orchestrator-error.js";
import * as patterns from "../../patterns/index.js";
import { PatternOutputError } from "../../patterns/pattern-output-error.js";
import { SpecError } from "../../spec/spec-error.js";
import { StoreError } from "../../stores/store-error.js";
import { ToolError } from "../../tools/tool-error.js";
import { BudgetExceededError } from "../policies/budget-exceeded-error.js";
import { CircuitOpenError } from "../policies/circuit-open-error.js";
import { RunWaitingError } from "../run/run-waiting-error.js";
import { RemoteError } from "../run/wire-outcome.js";
import { ApprovalRejectedError } from "../workflow/approval-rejected-error.js";
import { WorkflowError } from "../workflow/workflow-error.js";
import { BatonError } from "./baton-error.js";
import { CancelledError } from "./cancelled-error.js";
import { ConfigurationError } from "./configuration-error.js";
import { ModelCallError } from "./model-call-error.js";
import { OptionsError } from "./options-error.js";
import { TimeoutError } from "./timeout-error.js";

const failedRun = {
  runId: "run_1",
  status: "failed" as const,
  output: undefined,
  steps: {},
  usage: {
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
  },
  cost: { modelCents: 0, toolCents: 0, totalCents: 0, unpricedModels: [] },
};

/** One instance of every error class Baton exports, and the class. */
const family: Array<[{ name: string; isInstance(error: unknown): boolean }, BatonError]> = [
  [BatonError, new BatonError("x")],
  [ConfigurationError, new ConfigurationError("x")],
  [ModelCallError, new ModelCallError({ message: "x", model: "m", isRetryable: false })],
  [TimeoutError, new TimeoutError("x", { timeoutMs: 1 })],
  [CancelledError, new CancelledError()],
  [
    BudgetExceededError,
    new BudgetExceededError({
      scope: "run",
      limit: {},
      spent: { tokens: 0, cents: 0 },
      action: "stop",
    }),
  ],
  [CircuitOpenError, new CircuitOpenError({ model: "m", retryAt: 0 })],
  [ApprovalRejectedError, new ApprovalRejectedError({ stepId: "s" })],
  [WorkflowError, new WorkflowError("w", failedRun)],
  [RunWaitingError, new RunWaitingError({ stepId: "s", runnable: "a", reason: "approval" })],
  [RemoteError, new RemoteError({ name: "Whatever", message: "x" })],
  [StoreError, new StoreError("x", { code: "io" })],
  [DurableError, new DurableError("x", { code: "closed" })],
  [ToolError, new ToolError("x", { tool: "t", code: "host-not-allowed" })],
  [ToolCallRejectedError, new ToolCallRejectedError({ tool: "t" })],
  [ApprovalPendingError, new ApprovalPendingError({ tool: "t", toolCallId: "c", stepId: "s" })],
  [CliInputError, new CliInputError("x")],
  [SpecError, new SpecError([{ path: "steps", message: "x" }])],
  [OptionsError, new OptionsError("agent()", [{ path: "retry", message: "x" }])],
  [patterns.PlanError, new patterns.PlanError("x", { issues: [{ path: "p", message: "m" }] })],
  [PatternOutputError, new PatternOutputError({ participant: "a", expected: "e", text: "t" })],
  [OrchestratorError, new OrchestratorError("o", failedRun)],
];

/** Subclasses recognised by their parents' `isInstance`, as `instanceof` would be. */
const parents = new Map<unknown, unknown[]>([
  [SpecError, [ConfigurationError]],
  [OptionsError, [ConfigurationError]],
  [OrchestratorError, [WorkflowError]],
]);

describe("Baton's error family", () => {
  it("gives every class its own name, and so its own marker", () => {
    const names = family.map(([type]) => type.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("recognises each error by its own class only (and by BatonError)", () => {
    for (const [type, error] of family) {
      for (const [other] of family) {
        const expected =
          other === type || other === BatonError || (parents.get(type) ?? []).includes(other);
        expect(other.isInstance(error), `${other.name}.isInstance(${type.name})`).toBe(expected);
      }
      expect(type.isInstance(new Error("plain"))).toBe(false);
    }
  });

  it("gives every error a stable code", () => {
    for (const [type, error] of family) {
      expect(typeof error.code, type.name).toBe("string");
      expect(error.code, type.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });

  it("has one PlanError, with its problems, for patterns and the orchestrator alike", () => {
    expect(orchestrator.PlanError).toBe(patterns.PlanError);
    const error = new orchestrator.PlanError("The delegation is invalid", {
      issues: [{ path: "tasks[0].agent", message: "unknown agent" }],
    });
    expect(patterns.PlanError.isInstance(error)).toBe(true);
    expect(error.problems).toEqual(["tasks[0].agent: unknown agent"]);
  });
});
