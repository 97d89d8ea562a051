import { MemoryStore } from "../../stores/memory/memory-store.js";
import type { RunStore } from "../ports/run-store.js";

/** The store a run uses when none is given: a fresh in-memory one. */
export function defaultRunStore(): RunStore {
  return new MemoryStore();
}
