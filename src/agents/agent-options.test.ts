import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../core/errors/configuration-error.js";
import type { OptionRule } from "../core/options/option-rule.js";
import { disagreements } from "../core/test-support/rule-agreement.js";
import { optionsErrorThrownBy as optionsError } from "../core/test-support/thrown-by.js";
import { parseSpec } from "../spec/parse-spec.js";
import { SpecError } from "../spec/spec-error.js";
import { agent } from "./agent.js";
import * as agentRules from "./agent-options-rule.js";
import { scriptedModel, textReply } from "./test-support.js";

describe("agent() options", () => {
  it("reports every problem at once, each with its path, in one OptionsError", () => {
    const error = optionsError(() =>
      agent({
        name: "a",
        model: "simulated:a",
        generateDocuments: true,
        retry: -1,
        timeout: { callMs: 0, runMs: "soon" },
      } as never),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.code).toBe("options-invalid");
    expect(error.where).toBe('agent("a")');
    expect(error.issues).toEqual([
      { path: "retry", message: "expected an integer >= 1, received -1" },
      { path: "timeout.callMs", message: "expected a number of ms > 0, received 0" },
      { path: "timeout.runMs", message: 'expected a number of ms > 0, received "soon"' },
      {
        path: "generateDocuments",
        message: expect.stringMatching(/^unknown option "generateDocuments" \(known: name, model,/),
      },
    ]);
    expect(error.message).toBe(
      [
        'Invalid options for agent("a") (4 problems):',
        "  retry: expected an integer >= 1, received -1",
        "  timeout.callMs: expected a number of ms > 0, received 0",
        '  timeout.runMs: expected a number of ms > 0, received "soon"',
        `  generateDocuments: ${error.issues[3]?.message}`,
      ].join("\n"),
    );
  });

  it("reports a model string that is not provider:model-id with the rest", () => {
    const error = optionsError(() =>
      agent({ name: "a", model: "x", generateDocuments: true, retry: -1 } as never),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([
      "model",
      "retry",
      "generateDocuments",
    ]);
    expect(error.issues[0]?.message).toBe(
      'expected a model: a "provider:model-id" string, an AI SDK model or a function, received "x"',
    );
  });

  it("names the closest known option when an unknown one is a likely typo", () => {
    const error = optionsError(() =>
      agent({
        name: "a",
        model: "simulated:a",
        instructons: "Be brief.",
        memory: { tokenThreshold: 100, keepLst: 2 },
      } as never),
    );
    expect(error.issues).toEqual([
      { path: "memory.keepLst", message: 'unknown option "keepLst" (did you mean "keepLast"?)' },
      {
        path: "instructons",
        message: 'unknown option "instructons" (did you mean "instructions"?)',
      },
    ]);
  });

  it("says what a retry object gets wrong, not only that it is not a number", () => {
    const error = optionsError(() =>
      agent({ name: "a", model: "simulated:a", retry: { maxAttempts: 0, jiter: 0.5 } } as never),
    );
    expect(error.issues).toEqual([
      { path: "retry.maxAttempts", message: "expected an integer >= 1, received 0" },
      { path: "retry.jiter", message: 'unknown option "jiter" (did you mean "jitter"?)' },
    ]);
  });

  it("checks the options of run(), stream() and asTool() the same way", async () => {
    const writer = agent({ name: "writer", model: scriptedModel("m", textReply("x")) });
    await expect(writer.run("Hi", { timout: 5, retry: 0 } as never)).rejects.toThrow(
      [
        "Invalid options for writer.run() (2 problems):",
        "  retry: expected an integer >= 1, received 0",
        '  timout: unknown option "timout" (did you mean "timeout"?)',
      ].join("\n"),
    );
    expect(() => writer.stream("Hi", { onEvent: "log" } as never)).toThrow(
      /writer\.stream\(\).*\n {2}onEvent: expected a function, received "log"/,
    );
    expect(() => writer.asTool({ descripton: "x" } as never)).toThrow(
      /writer\.asTool\(\).*\n {2}descripton: unknown option "descripton" \(did you mean "description"\?\)/,
    );
  });

  it("says the same of a spec's agent as of the agent() options it stands for", () => {
    const retry = { maxAttempts: 0, jiter: 0.5 };
    const timeout = { callMs: -5 };
    const specIssues = (() => {
      try {
        parseSpec(
          JSON.stringify({
            name: "w",
            agents: { a: { model: "simulated:a", retry, timeout } },
            steps: [{ id: "s", agent: "a" }],
          }),
        );
      } catch (error) {
        if (SpecError.isInstance(error)) return error.issues;
        throw error;
      }
      throw new Error("expected a SpecError");
    })();
    const codeIssues = optionsError(() =>
      agent({ name: "a", model: "simulated:a", retry, timeout } as never),
    ).issues;
    // One rule: the same problems, the same words (a spec says "key", code "option").
    expect(specIssues.map(({ path, message }) => ({ path, message }))).toEqual(
      codeIssues.map(({ path, message }) => ({
        path: `agents.a.${path}`,
        message: message.replace("unknown option", "unknown key"),
      })),
    );
    expect(codeIssues).toHaveLength(3);
  });
});

describe("The options rules of agents", () => {
  for (const [name, rule] of Object.entries(agentRules).filter(([, rule]) => "test" in rule)) {
    it(`${name}: its plain test and its zod schema agree`, () => {
      expect(disagreements(rule as OptionRule)).toEqual([]);
    });
  }
});
