import { describe, expect, it } from "vitest";
import { parseSpec } from "./parse-spec.js";
import { resolveSpecInputs } from "./resolve-spec-inputs.js";
import type { WorkflowSpec } from "./spec-schema.js";

const spec = parseSpec(
  `
name: inputs
agents: { writer: { model: "simulated:writer" } }
inputs:
  topic: { type: string }
  depth: { type: integer, default: 2 }
  tone: { type: string, enum: [plain, formal], default: plain }
  tags: { type: array, required: false }
steps: [{ id: write, agent: writer }]
`,
  { kind: "workflow" },
);

describe("resolveSpecInputs", () => {
  it("fills in defaults and keeps given values", () => {
    expect(resolveSpecInputs(spec, { topic: "tides", tone: "formal" })).toEqual({
      topic: "tides",
      depth: 2,
      tone: "formal",
    });
  });

  it("lists every missing, mistyped, disallowed and unknown input", () => {
    expect(() =>
      resolveSpecInputs(spec, { depth: 2.5, tone: "loud", tags: "x", topc: "tides" }),
    ).toThrow(
      new TypeError(
        [
          'Workflow "inputs": invalid input:',
          "  input.topic: required (string)",
          "  input.depth: expected an integer, received 2.5",
          '  input.tone: expected one of "plain", "formal", received "loud"',
          '  input.tags: expected an array, received "x"',
          "  input.topc: unknown input (declared: topic, depth, tone, tags)",
        ].join("\n"),
      ),
    );
  });

  it("takes any input when the spec declares none", () => {
    const free = parseSpec(
      'name: free\nagents: { a: { model: "simulated:a" } }\nsteps: [{ id: s, agent: a }]\n',
    );
    expect(resolveSpecInputs(free as WorkflowSpec, "just text")).toBe("just text");
  });

  it("rejects an input that is not a map", () => {
    expect(() => resolveSpecInputs(spec, ["tides"])).toThrow(
      'Workflow "inputs": expected the input to be a map of topic, depth, tone, tags, received a list',
    );
  });
});
