import { describe, expect, it } from "vitest";
import { parseSpec, SpecError } from "../spec/index.js";
import { splitSpecText } from "./spec-file.js";

function specErrorOf(run: () => unknown): SpecError {
  try {
    run();
  } catch (error) {
    if (SpecError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a SpecError");
}

describe("splitSpecText", () => {
  it("takes the tools section out of YAML and keeps every other line where it was", () => {
    const text = [
      "name: tooled",
      "tools:",
      "  calculator: true",
      "  web: { type: http_fetch, allowHosts: [example.com] }",
      "agents:",
      "  a: { model: simulated:a, tools: [calculator] }",
      "steps:",
      "  - id: s",
      "    agent: b",
    ].join("\n");

    const split = splitSpecText(text);

    expect(split.kind).toBe("workflow");
    expect(split.tools).toEqual({
      calculator: true,
      web: { type: "http_fetch", allowHosts: ["example.com"] },
    });
    expect(split.text.split("\n")).toHaveLength(9);
    const error = specErrorOf(() => parseSpec(split.text, { tools: ["calculator"] }));
    expect(error.issues).toEqual([
      expect.objectContaining({ path: "steps[0].agent", line: 9, column: 12 }),
    ]);
  });

  it("takes the tools section out of JSON, wherever it is among the keys", () => {
    for (const text of [
      '{ "tools": { "calculator": true }, "name": "j", "agents": { "a": { "model": "simulated:a" } }, "steps": [{ "id": "s", "agent": "a" }] }',
      '{ "name": "j", "agents": { "a": { "model": "simulated:a" } }, "steps": [{ "id": "s", "agent": "a" }], "tools": { "calculator": true } }',
    ]) {
      const split = splitSpecText(text);
      expect(split.tools).toEqual({ calculator: true });
      expect(JSON.parse(split.text)).not.toHaveProperty("tools");
      expect(parseSpec(split.text, { format: "json" }).name).toBe("j");
    }
  });

  it("says kind orchestrator, and drops kind workflow that the workflow schema does not know", () => {
    expect(splitSpecText("kind: orchestrator\nname: x\n").kind).toBe("orchestrator");
    const workflow = splitSpecText(
      "kind: workflow\nname: w\nagents: { a: { model: simulated:a } }\nsteps: [{ id: s, agent: a }]\n",
    );
    expect(workflow.kind).toBe("workflow");
    expect(parseSpec(workflow.text).name).toBe("w");
  });

  it("leaves text it cannot read alone, for parseSpec to report with positions", () => {
    const text = "name: [unclosed\nsteps: 1\n";
    expect(splitSpecText(text)).toEqual({ text, kind: "workflow", tools: undefined });
  });
});
