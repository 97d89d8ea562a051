import type { Runtime } from "../core/ports/runtime.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { checkOptions } from "./check-options.js";
import { randomIdGenerator } from "./random-id-generator.js";
import { systemClock } from "./system-clock.js";

/**
 * The runtime of a workflow given no other: the system clock, random ids, `Math.random`
 * for retry jitter, a fresh in-memory store for a run started without one, and options
 * checked with zod.
 */
export const defaultRuntime: Runtime = {
  clock: systemClock,
  ids: randomIdGenerator,
  random: Math.random,
  createRunStore: () => new MemoryStore(),
  checkOptions,
};
