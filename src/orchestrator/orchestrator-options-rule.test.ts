import { describe, expect, it } from "vitest";
import { disagreements } from "../core/test-support/rule-agreement.js";
import { modelCallGateOptionsRule } from "../runtime/create-model-call-gate.js";
import { orchestratorOptionsRule, submitOptionsRule } from "./orchestrator-options-rule.js";

describe("The options rules of the orchestrator and the model-call gate", () => {
  for (const [name, rule] of Object.entries({
    orchestratorOptionsRule,
    submitOptionsRule,
    modelCallGateOptionsRule,
  })) {
    it(`${name}: its plain test and its zod schema agree`, () => {
      expect(disagreements(rule)).toEqual([]);
    });
  }
});
