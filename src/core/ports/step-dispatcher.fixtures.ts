import { appendFileSync, existsSync, renameSync, writeFileSync } from "node:fs";
import { Workflow } from "../workflow/workflow.js";
import type { Runtime } from "./runtime.js";

/** Waits until `path` exists (another attempt of the step writes it). */
async function fileAppears(path: string): Promise<void> {
  while (!existsSync(path)) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Steps of the `dispatch-wide` fan-out (and one more that adds up their outputs). */
export const WIDE_STEPS = 150;

/**
 * The workflows the dispatcher conformance suite runs. A dispatcher that runs steps
 * elsewhere registers the same ones there (its worker imports this module). Steps that
 * must be seen from the test leave marks in files named by their input, since they may run
 * in another thread or process.
 */
export function dispatcherFixtures(runtime: Runtime): Record<string, Workflow<never>> {
  const json = new Workflow<unknown>("dispatch-json", {}, runtime)
    .step("make", () => ({ text: "hi", count: 2, nested: { list: [1, 2, { deep: null }] } }))
    .step("use", ({ results }) => results.make.nested.list.length + results.make.count, {
      dependsOn: ["make"],
    });
  const cancel = new Workflow<{ marker: string }>("dispatch-cancel", {}, runtime).step(
    "wait",
    ({ input, signal }) =>
      new Promise((resolve) => {
        writeFileSync(`${input.marker}.started`, "started");
        signal.addEventListener(
          "abort",
          () => {
            // Whole or not at all: the test, in another process maybe, reads it once it exists.
            writeFileSync(`${input.marker}.tmp`, "aborted");
            renameSync(`${input.marker}.tmp`, input.marker);
            resolve("stopped");
          },
          { once: true },
        );
      }),
  );
  const count = new Workflow<{ marker: string }>("dispatch-count", {}, runtime).step(
    "count",
    ({ input }) => {
      appendFileSync(input.marker, "ran\n");
      return "counted";
    },
  );
  const stale = new Workflow<{ fresh: string; late: string }>("dispatch-stale", {}, runtime).step(
    "slow",
    ({ input, attempt, signal }) => {
      if (attempt > 1) {
        writeFileSync(input.fresh, "fresh");
        return "fresh";
      }
      // The first attempt outlives its time limit and settles only once the retry has
      // settled: its settle is stale when it arrives.
      return new Promise((resolve) =>
        signal.addEventListener(
          "abort",
          () =>
            void fileAppears(input.fresh).then(() =>
              setTimeout(() => {
                writeFileSync(input.late, "late");
                resolve("late");
              }, 20),
            ),
          { once: true },
        ),
      );
    },
    // Long enough for the first attempt to start wherever it runs (a queue on a busy machine
    // takes tens of ms): it must be running when its time runs out.
    { timeout: 1000, retry: { maxAttempts: 2, initialDelayMs: 0, jitter: 0 } },
  );
  const notJson = new Workflow<unknown>("dispatch-not-json", {}, runtime).step("handle", () => ({
    name: "handle",
    close: () => {},
  }));
  // Wider than a queue writes jobs at once (150 jobs of one step each, see JOB_SLICE).
  const wide = new Workflow<unknown>("dispatch-wide", {}, runtime);
  const ids = Array.from({ length: WIDE_STEPS }, (_, index) => `s${index}`);
  for (const [index, id] of ids.entries()) wide.step(id, () => index);
  wide.step("sum", ({ results }) => ids.reduce((total, id) => total + (results[id] as number), 0), {
    dependsOn: ids,
  });
  return Object.fromEntries(
    [json, cancel, count, stale, notJson, wide].map((flow) => [flow.name, flow as Workflow<never>]),
  );
}
