import { randomUUID } from "node:crypto";
import type { IdGenerator } from "../core/ports/id-generator.js";

/** Random, collision-free ids: `run_3f2a...`. */
export const randomIdGenerator: IdGenerator = {
  next: (prefix) => `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 20)}`,
};
