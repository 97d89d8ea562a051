import { describe, expect, it } from "vitest";
import { disagreements } from "../core/test-support/rule-agreement.js";
import { optionsErrorThrownBy as optionsError } from "../core/test-support/thrown-by.js";
import type { OptionRule } from "../engine/index.js";
import { ConfigurationError, OptionsError } from "../index.js";
import { cascade, consensus, parallel, router, supervisor, swarm } from "./index.js";
import * as patternRules from "./pattern-options-rules.js";
import { MockLedger, mockAgent } from "./test-support.js";

const rules = Object.entries(patternRules).flatMap(([name, value]) =>
  typeof value === "object" && "test" in value ? [[name, value as OptionRule] as const] : [],
);

describe("The options rules of the patterns", () => {
  it("cover every pattern", () => {
    expect(rules.map(([name]) => name).sort()).toEqual([
      "cascadeOptionsRule",
      "chainOfThoughtOptionsRule",
      "collaborativeOptionsRule",
      "conditionalOptionsRule",
      "consensusOptionsRule",
      "debateOptionsRule",
      "iterateOptionsRule",
      "orchestrationDefinitionRule",
      "parallelOptionsRule",
      "planAndExecuteOptionsRule",
      "routerOptionsRule",
      "sequentialOptionsRule",
      "supervisorOptionsRule",
      "swarmOptionsRule",
    ]);
  });

  for (const [name, rule] of rules) {
    it(`${name}: its plain test and its zod schema agree`, () => {
      expect(disagreements(rule)).toEqual([]);
    });
  }

  it("report every problem of a pattern's options at once, each with its path, in one OptionsError", () => {
    const ledger = new MockLedger();
    const writer = mockAgent("writer", "x", { ledger }).agent;
    const error = optionsError(() =>
      swarm({
        agents: [writer, "scout"],
        domains: ["pricing", ""],
        maxParallel: 0,
        synthesiser: writer,
      } as never),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.code).toBe("options-invalid");
    expect(error.where).toBe("swarm(options)");
    expect(error.issues).toEqual([
      { path: "agents[1]", message: 'expected an agent or a workflow, received "scout"' },
      { path: "domains[1]", message: 'expected a non-empty string, received ""' },
      { path: "maxParallel", message: "expected an integer >= 1 or Infinity, received 0" },
      {
        path: "synthesiser",
        message: 'unknown option "synthesiser" (did you mean "synthesizer"?)',
      },
    ]);
    expect(error.message.split("\n")[0]).toBe("Invalid options for swarm(options) (4 problems):");
  });

  it("name the known options when an unknown one is no likely typo, in nested objects too", () => {
    const ledger = new MockLedger();
    const analyst = mockAgent("analyst", "x", { ledger }).agent;
    const error = optionsError(() =>
      cascade({
        tiers: [
          { name: "search", agent: analyst, sise: 3 },
          { name: "search", agents: [analyst] },
        ],
        failureMode: { quorom: 1 },
        colour: "blue",
      } as never),
    );
    expect(error.issues).toEqual([
      { path: "tiers[0].sise", message: 'unknown option "sise" (did you mean "size"?)' },
      { path: "tiers[1].name", message: 'expected a unique tier name, received "search"' },
      { path: "failureMode.quorum", message: "required: expected an integer >= 1" },
      {
        path: "failureMode.quorom",
        message: 'unknown option "quorom" (did you mean "quorum"?)',
      },
      {
        path: "colour",
        message: 'unknown option "colour" (known: name, tiers, maxParallel, failureMode)',
      },
    ]);
  });

  it("check rules across options with the rest: a router's fallback, a quorum beyond the voters", () => {
    const ledger = new MockLedger();
    const billing = mockAgent("billing", "x", { ledger }).agent;
    expect(
      optionsError(() =>
        router({
          agents: { billing },
          by: () => undefined,
          fallback: "sales",
          nmae: "desk",
        } as never),
      ).issues,
    ).toEqual([
      { path: "nmae", message: 'unknown option "nmae" (did you mean "name"?)' },
      { path: "fallback", message: 'expected one of "billing", received "sales"' },
    ]);
    expect(
      optionsError(() => consensus({ agents: [billing], threshold: 2, quorum: 2 })).issues,
    ).toEqual([
      { path: "threshold", message: "expected a number in (0, 1], received 2" },
      { path: "quorum", message: "expected at most 1 (the number of voters), received 2" },
    ]);
    expect(optionsError(() => parallel([billing, billing], { quorum: 3 })).issues).toEqual([
      { path: "quorum", message: "expected at most 2 (the number of agents), received 3" },
    ]);
  });

  it("leave bad positional arguments to a TypeError that names them", () => {
    expect(() => supervisor(undefined as never)).toThrow(OptionsError);
    expect(() => parallel([], { quorum: 0 })).toThrow(TypeError);
  });
});
