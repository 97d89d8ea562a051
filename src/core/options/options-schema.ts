import type { z } from "zod";

/** The zod namespace (`import { z } from "zod"`), handed to schema builders. */
export type Zod = typeof z;

/**
 * The zod schema of one options type, made on first use. Defining one loads nothing: the
 * builder gets zod from whoever checks (`Runtime.checkOptions`), so `import "baton-ai"`
 * does not pay for zod, and core, which may not load modules, can still declare schemas.
 */
export interface OptionsSchema {
  /** The schema, built with `z` the first time and kept. */
  schema(z: Zod): z.ZodType;
}

/**
 * Declares the schema of an options type.
 * @example
 * const retrySchema = defineOptionsSchema((z) => optionFragments(z, "code").retry);
 */
export function defineOptionsSchema(build: (z: Zod) => z.ZodType): OptionsSchema {
  let built: z.ZodType | undefined;
  return {
    schema(zod) {
      built ??= build(zod);
      return built;
    },
  };
}
