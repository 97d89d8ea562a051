import { describe, expect, it } from "vitest";
import { OptionsError } from "../core/errors/options-error.js";
import type { OptionRule } from "../core/options/option-rule.js";
import { disagreements } from "../core/test-support/rule-agreement.js";
import { thrownBy } from "../core/test-support/thrown-by.js";
import { parseSpec } from "../spec/parse-spec.js";
import { SpecError } from "../spec/spec-error.js";
import { httpFetch } from "./http-fetch.js";
import * as toolRules from "./tool-options-rules.js";

describe("The options rules of the built-in tools", () => {
  for (const [name, rule] of Object.entries(toolRules).filter(([, rule]) => "test" in rule)) {
    it(`${name}: its plain test and its zod schema agree`, () => {
      expect(disagreements(rule as OptionRule)).toEqual([]);
    });
  }

  it("say the same of a spec's http_fetch tool as of httpFetch()", () => {
    const options = { allowHosts: [], timeoutMs: -1, maxRedirect: 2 };
    const specError = thrownBy(() =>
      parseSpec(
        JSON.stringify({
          name: "w",
          tools: { web: { type: "http_fetch", ...options } },
          agents: { a: { model: "simulated:a", tools: ["web"] } },
          steps: [{ id: "s", agent: "a" }],
        }),
      ),
    );
    const codeError = thrownBy(() => httpFetch(options as never));
    if (!SpecError.isInstance(specError) || !OptionsError.isInstance(codeError)) {
      throw new Error("expected a SpecError and an OptionsError");
    }
    expect(codeError.issues).toHaveLength(3);
    expect(specError.issues.map(({ path, message }) => ({ path, message }))).toEqual(
      codeError.issues.map(({ path, message }) => ({
        path: `tools.web.${path}`,
        message: message.replace("unknown option", "unknown key"),
      })),
    );
  });
});
