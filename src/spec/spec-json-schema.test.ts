import { describe, expect, it } from "vitest";
import { specJsonSchema } from "./spec-json-schema.js";

describe("specJsonSchema", () => {
  it("describes the spec as written, for editors", () => {
    const schema = specJsonSchema() as {
      title: string;
      required: string[];
      properties: Record<string, { type?: string; items?: { required?: string[] } }>;
      additionalProperties: boolean;
    };
    expect(schema.title).toBe("Baton workflow spec");
    expect(schema.required).toEqual(["name", "agents", "steps"]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.steps?.items?.required).toEqual(["id", "agent"]);
  });
});
