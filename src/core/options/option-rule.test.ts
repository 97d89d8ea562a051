import { describe, expect, it } from "vitest";
import { acceptedShare, disagreements } from "../test-support/rule-agreement.js";
import { codeFragments, specFragments } from "./option-fragments.js";
import { type OptionRule, rules } from "./option-rule.js";

const fragments = Object.entries(specFragments).flatMap(([name, rule]) => [
  [`spec ${name}`, rule as OptionRule] as const,
  [`code ${name}`, codeFragments[name as keyof typeof codeFragments] as OptionRule] as const,
]);

describe("OptionRule", () => {
  describe("its plain test and its zod schema agree", () => {
    for (const [name, rule] of fragments) {
      it(name, () => {
        expect(disagreements(rule)).toEqual([]);
      });
    }
  });

  it("samples that rules accept and reject, so the agreement means something", () => {
    for (const name of ["retry", "budget", "limits", "circuitBreaker", "memory"] as const) {
      const share = acceptedShare(codeFragments[name]);
      expect(share, name).toBeGreaterThan(0.05);
      expect(share, name).toBeLessThan(0.95);
    }
  });

  it("notices when the two forms differ", () => {
    const lax: OptionRule = {
      ...rules.number({ min: 1 }, "expected a number >= 1"),
      test: () => true,
    };
    expect(disagreements(lax).length).toBeGreaterThan(0);
  });

  it("takes an unknown key as a failure of an object rule", () => {
    const rule = rules.object(
      { a: rules.optional(rules.number({}, "expected a number")) },
      "expected { a }",
    );
    expect(rule.test({ a: 1 })).toBe(true);
    expect(rule.test({ a: 1, b: 2 })).toBe(false);
    expect(rule.test({ b: undefined })).toBe(false);
  });
});
