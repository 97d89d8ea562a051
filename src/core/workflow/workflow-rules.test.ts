import { describe, expect, it } from "vitest";
import type { OptionRule } from "../options/option-rule.js";
import { disagreements } from "../test-support/rule-agreement.js";
import * as workflowRules from "./workflow-rules.js";

describe("The options rules of workflows, steps and runs", () => {
  const rules = Object.entries(workflowRules).filter(([, rule]) => "test" in rule);
  for (const [name, rule] of rules) {
    it(`${name}: its plain test and its zod schema agree`, () => {
      expect(disagreements(rule as OptionRule)).toEqual([]);
    });
  }
});
