import type { BatonEvent } from "../events.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { RunStore } from "../ports/run-store.js";
import type { RunnableEvent } from "../runnable.js";

/**
 * What a sub-workflow learns from the engine that runs it, beyond `RunnableOptions`:
 * the parent's store and id generator (the child logs its own run there, with
 * `parentId`), and a channel that puts the child's already-stored events on the
 * parent's stream without logging them twice.
 */
export interface ParentLink {
  store: RunStore;
  ids: IdGenerator;
  forward(event: BatonEvent): void;
}

const links = new WeakMap<(event: RunnableEvent) => void, ParentLink>();

/** Marks `emit` (an engine-made emit function) as coming from a run with `link`. */
export function linkEmit(emit: (event: RunnableEvent) => void, link: ParentLink): void {
  links.set(emit, link);
}

/** The link behind an `emit` the engine made, if it made it. */
export function parentLinkOf(
  emit: ((event: RunnableEvent) => void) | undefined,
): ParentLink | undefined {
  return emit ? links.get(emit) : undefined;
}
