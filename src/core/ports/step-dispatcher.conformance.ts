import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStore } from "../../stores/memory/memory-store.js";
import type { Workflow } from "../workflow/workflow.js";
import { WIDE_STEPS } from "./step-dispatcher.fixtures.js";
import type { StepDispatcher } from "./step-dispatcher.js";

/** What a dispatcher under test comes with. */
export interface DispatcherUnderTest {
  dispatcher: StepDispatcher;
  /** The fixture workflows (`dispatcherFixtures`), as this side of the dispatcher knows them. */
  workflows: Record<string, Workflow<never>>;
}

/**
 * A dispatcher that hands every attempt over twice: what a queue with at-least-once
 * delivery may do. Both executions settle; the owner must count one.
 */
export function redelivering(dispatcher: StepDispatcher): StepDispatcher {
  return {
    dispatch(attempt, host) {
      dispatcher.dispatch(attempt, host);
      dispatcher.dispatch(attempt, host);
    },
  };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 1000 && !check(); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (!check()) throw new Error(`gave up waiting for ${what}`);
}

/**
 * The conformance suite every `StepDispatcher` passes: outcomes come back as they went
 * (through JSON where the dispatcher sends attempts elsewhere), cancellation reaches the
 * step, a duplicate settle of one attempt is ignored, and a settle of an attempt that is no
 * longer current is ignored. `crossesJson` says the dispatcher sends attempts elsewhere:
 * then a step whose output is not JSON fails, saying where.
 * @example stepDispatcherConformance("inline", async () => ({ dispatcher: inlineDispatcher, workflows }), { crossesJson: false });
 */
export function stepDispatcherConformance(
  name: string,
  setup: () => Promise<DispatcherUnderTest>,
  { crossesJson, close }: { crossesJson: boolean; close?: () => Promise<void> },
): void {
  describe(`StepDispatcher conformance: ${name}`, () => {
    let subject: DispatcherUnderTest;
    let dir: string;
    beforeAll(async () => {
      subject = await setup();
      dir = mkdtempSync(join(tmpdir(), "baton-dispatch-"));
    });
    afterAll(async () => {
      await close?.();
      rmSync(dir, { recursive: true, force: true });
    });
    const flow = (workflowName: string) => subject.workflows[workflowName] as Workflow<unknown>;

    it("settles steps with their outputs, which round-trip as JSON", async () => {
      const store = new MemoryStore();
      const run = flow("dispatch-json").start(undefined, {
        dispatcher: subject.dispatcher,
        store,
      });
      const result = await run.result;
      expect(result.status).toBe("succeeded");
      expect(result.output).toBe(5);
      const made = result.steps.make?.output;
      expect(made).toEqual({ text: "hi", count: 2, nested: { list: [1, 2, { deep: null }] } });
      expect(JSON.parse(JSON.stringify(result.steps))).toEqual(result.steps);
      const logged = (await store.readLog(run.id)).filter((event) => event.type === "step-end");
      expect(logged.map((event) => event.stepId)).toEqual(["make", "use"]);
    });

    it("runs a wide fan-out: every step once, every output in place", async () => {
      const store = new MemoryStore();
      const run = flow("dispatch-wide").start(undefined, {
        dispatcher: subject.dispatcher,
        store,
      });
      const result = await run.result;
      expect(result.status).toBe("succeeded");
      expect(result.output).toBe((WIDE_STEPS * (WIDE_STEPS - 1)) / 2);
      const ends = (await store.readLog(run.id)).filter((event) => event.type === "step-end");
      expect(new Set(ends.map((event) => event.stepId)).size).toBe(WIDE_STEPS + 1);
      expect(ends).toHaveLength(WIDE_STEPS + 1);
    });

    it("reaches the step with cancellation", async () => {
      const marker = join(dir, "cancel");
      const run = flow("dispatch-cancel").start(
        { marker },
        { dispatcher: subject.dispatcher, store: new MemoryStore() },
      );
      await eventually(() => existsSync(`${marker}.started`), "the step to start");
      run.cancel("stop");
      const result = await run.result;
      expect(result.status).toBe("cancelled");
      await eventually(() => existsSync(marker), "the step to see the abort");
      expect(readFileSync(marker, "utf8")).toBe("aborted");
    });

    it("ignores a duplicate settle of one attempt (delivery may be at least once)", async () => {
      const marker = join(dir, "count");
      const store = new MemoryStore();
      const run = flow("dispatch-count").start(
        { marker },
        { dispatcher: redelivering(subject.dispatcher), store },
      );
      const result = await run.result;
      expect(result.status).toBe("succeeded");
      await eventually(
        () => existsSync(marker) && readFileSync(marker, "utf8").split("\n").length === 3,
        "both deliveries to run",
      );
      const ends = (await store.readLog(run.id)).filter((event) => event.type === "step-end");
      expect(ends).toHaveLength(1);
      expect(result.steps.count).toMatchObject({ status: "succeeded", attempts: 1 });
    });

    it("ignores a settle of an attempt that is no longer current", async () => {
      const fresh = join(dir, "fresh");
      const late = join(dir, "late");
      const store = new MemoryStore();
      const run = flow("dispatch-stale").start(
        { fresh, late },
        { dispatcher: subject.dispatcher, store },
      );
      const result = await run.result;
      expect(result.status).toBe("succeeded");
      expect(result.output).toBe("fresh");
      // The timed-out first attempt settles after all: too late to count.
      await eventually(() => existsSync(late), "the first attempt to settle late");
      await new Promise((resolve) => setTimeout(resolve, 50));
      const log = await store.readLog(run.id);
      expect(log.filter((event) => event.type === "step-end").map((event) => event.output)).toEqual(
        ["fresh"],
      );
      expect(log.find((event) => event.type === "step-error")?.error).toMatchObject({
        name: "TimeoutError",
      });
    });

    it(
      crossesJson
        ? "fails a step whose output is not JSON, saying where"
        : "hands a step's output over as it is, even when it is not JSON",
      async () => {
        const result = await flow("dispatch-not-json").start(undefined, {
          dispatcher: subject.dispatcher,
          store: new MemoryStore(),
        }).result;
        if (crossesJson) {
          expect(result.status).toBe("failed");
          expect(result.steps.handle?.error?.message).toContain("output.close is a function");
        } else {
          expect(result.status).toBe("succeeded");
          expect(typeof (result.output as { close?: unknown }).close).toBe("function");
        }
      },
    );
  });
}
