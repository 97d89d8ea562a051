import { describe, expect, it } from "vitest";
import { specJsonSchema } from "./spec-json-schema.js";

interface ObjectSchema {
  title: string;
  required: string[];
  properties: Record<string, { type?: string; items?: { required?: string[] } }>;
  additionalProperties: boolean;
}

describe("specJsonSchema", () => {
  it("describes both kinds of spec as written, for editors", () => {
    const schema = JSON.parse(JSON.stringify(specJsonSchema())) as {
      title: string;
      anyOf: [ObjectSchema, ObjectSchema];
    };
    expect(schema.title).toBe("Baton spec");
    const [workflow, orchestrator] = schema.anyOf;
    expect(workflow.title).toBe("Baton workflow spec");
    expect(workflow.required).toEqual(["name", "agents", "steps"]);
    expect(workflow.additionalProperties).toBe(false);
    expect(workflow.properties.steps?.items?.required).toEqual(["id", "agent"]);
    expect(orchestrator.required).toEqual(["kind", "mainAgent"]);
    // One format: the parts both kinds have are the same.
    expect(orchestrator.properties.tools).toEqual(workflow.properties.tools);
    expect(orchestrator.properties.providers).toEqual(workflow.properties.providers);
  });
});
