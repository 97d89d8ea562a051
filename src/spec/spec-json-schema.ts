import { requireModule } from "../models/require-module.js";
import { specSchemas } from "./spec-schema.js";

/**
 * The JSON Schema of a spec as written (either kind: `anyOf` a workflow and an
 * orchestrator), for editors: save it and point the YAML language server at it
 * (`# yaml-language-server: $schema=./baton-spec.schema.json`) to get completion and
 * inline errors. Rules across fields (unknown steps, cycles, templates) are checked by
 * `parseSpec` only.
 */
export function specJsonSchema(): Record<string, unknown> {
  const { z } = requireModule<typeof import("zod")>("zod");
  const { workflow, orchestrator } = specSchemas();
  const options = { io: "input", unrepresentable: "any" } as const;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "Baton spec",
    anyOf: [
      { ...z.toJSONSchema(workflow, options), title: "Baton workflow spec", $schema: undefined },
      {
        ...z.toJSONSchema(orchestrator, options),
        title: "Baton orchestrator spec",
        $schema: undefined,
      },
    ],
  };
}
