import type { z } from "zod";
import type { PathSegment } from "./option-path.js";

/**
 * The keys an object may have at `path` under `schema` (for "did you mean" hints): those
 * of every object schema the path can lead to, through optional, default, pipe and union
 * wrappers, records and arrays. Reads zod's schema definitions; loads nothing.
 */
export function keysAt(schema: z.core.$ZodType, path: readonly PathSegment[]): string[] {
  let schemas: z.core.$ZodType[] = [schema];
  for (const segment of path) {
    schemas = schemas.flatMap((candidate) => childSchemas(unwrap(candidate), segment));
  }
  return [...new Set(schemas.flatMap((candidate) => unwrap(candidate).flatMap(objectKeys)))];
}

/** The keys of an object schema (none for any other). */
export function objectKeys(schema: z.core.$ZodType): string[] {
  const def = definition(schema);
  return def.type === "object" ? Object.keys(def.shape as object) : [];
}

function definition(schema: z.core.$ZodType): Record<string, unknown> & { type: string } {
  return schema._zod.def as unknown as Record<string, unknown> & { type: string };
}

/** The schemas a value may match once optional, default, pipe and union wrappers are off. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType[] {
  const def = definition(schema);
  switch (def.type) {
    case "optional":
    case "default":
    case "nullable":
      return unwrap(def.innerType as z.core.$ZodType);
    case "pipe":
      return unwrap(def.in as z.core.$ZodType);
    case "union":
      return (def.options as z.core.$ZodType[]).flatMap(unwrap);
    default:
      return [schema];
  }
}

function childSchemas(schemas: z.core.$ZodType[], segment: PathSegment): z.core.$ZodType[] {
  return schemas.flatMap((schema) => {
    const def = definition(schema);
    if (def.type === "object") {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      return typeof segment === "string" && Object.hasOwn(shape, segment) ? [shape[segment]!] : [];
    }
    if (def.type === "record") return [def.valueType as z.core.$ZodType];
    if (def.type === "array") return [def.element as z.core.$ZodType];
    return [];
  });
}
