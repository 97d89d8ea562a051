import { ManualClock } from "../../testing/manual-clock.js";
import { sequentialIdGenerator } from "../ports/id-generator.js";
import type { StepContext } from "../workflow/step-options.js";
import { TestStore } from "./test-store.js";

/** A manual clock, a recording store and sequential ids, ready to pass to `start`. */
export function harness() {
  const clock = new ManualClock();
  const store = new TestStore();
  const ids = sequentialIdGenerator();
  return { clock, store, ids, options: { clock, store, ids } };
}

/** A function step that sleeps `ms` on the clock, then returns `value`. */
export function sleeper<T>(clock: ManualClock, ms: number, value: T) {
  return async ({ signal }: StepContext) => {
    await clock.sleep(ms, { signal });
    return value;
  };
}

/** `type:stepId` (or `type`) of each logged event of `runId`, optionally only some types. */
export function trace(store: TestStore, runId: string, only?: readonly string[]): string[] {
  return store
    .events(runId)
    .filter((event) => !only || only.includes(event.type))
    .map(label);
}

export function label(event: { type: string; stepId?: unknown }): string {
  return event.stepId === undefined ? event.type : `${event.type}:${String(event.stepId)}`;
}
