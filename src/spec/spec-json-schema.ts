import { requireModule } from "../models/require-module.js";
import { workflowSpecSchema } from "./spec-schema.js";

/**
 * The JSON Schema of a workflow spec as written, for editors: save it and point the YAML
 * language server at it (`# yaml-language-server: $schema=./baton-spec.schema.json`) to get
 * completion and inline errors. Graph rules (unknown steps, cycles, templates) are checked
 * by `parseSpec` only.
 */
export function specJsonSchema(): Record<string, unknown> {
  const { z } = requireModule<typeof import("zod")>("zod");
  return {
    ...z.toJSONSchema(workflowSpecSchema(), { io: "input", unrepresentable: "any" }),
    title: "Baton workflow spec",
  };
}
