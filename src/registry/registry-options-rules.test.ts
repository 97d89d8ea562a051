import { describe, expect, it } from "vitest";
import { disagreements } from "../core/test-support/rule-agreement.js";
import * as registryRules from "./registry-options-rules.js";

describe("The options rules of the agent registry", () => {
  for (const [name, rule] of Object.entries(registryRules)) {
    it(`${name}: its plain test and its zod schema agree`, () => {
      expect(disagreements(rule)).toEqual([]);
    });
  }
});
