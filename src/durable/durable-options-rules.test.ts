import { describe, expect, it } from "vitest";
import type { OptionRule } from "../core/options/option-rule.js";
import { disagreements } from "../core/test-support/rule-agreement.js";
import { optionsErrorThrownBy } from "../core/test-support/thrown-by.js";
import { checkOptions } from "../runtime/check-options.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import * as durableRules from "./durable-options-rules.js";
import { fork } from "./fork.js";
import { replay } from "./replay.js";
import { resume } from "./resume.js";
import { startScheduler } from "./scheduler.js";

const flow = workflow("one").step("a", () => 1);

describe("The options rules of the durable API", () => {
  const ruleEntries = Object.entries(durableRules).filter(
    (entry): entry is [string, OptionRule] => "test" in entry[1],
  );
  for (const [name, rule] of ruleEntries) {
    it(`${name}: its plain test and its zod schema agree`, () => {
      expect(disagreements(rule)).toEqual([]);
    });
  }

  it("accept what the durable API is given", () => {
    const store = new MemoryStore();
    for (const rule of [durableRules.durableOptionsRule, durableRules.resumeOptionsRule]) {
      expect(rule.test({ store, workflows: { flow }, owner: "me", heartbeatMs: 10 })).toBe(true);
      expect(
        rule.test({ store: "memory:", start: { concurrency: 2, budget: { maxCents: 5 } } }),
      ).toBe(true);
    }
  });

  it("report every problem of resume(), fork(), replay() and startScheduler() options at once", async () => {
    const reject = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);
    const resumed = optionsErrorThrownBy(() =>
      checkOptions(
        durableRules.resumeOptionsRule,
        { store: "", force: "yes", start: { concurency: 2 } },
        "resume()",
      ),
    );
    expect(resumed.issues).toEqual([
      {
        path: "start.concurency",
        message: 'unknown option "concurency" (did you mean "concurrency"?)',
      },
      { path: "store", message: 'expected a non-empty location, received ""' },
      { path: "force", message: 'expected true or false, received "yes"' },
    ]);
    const viaResume = await reject(
      resume("run_1", { store: new MemoryStore(), ownr: "me" } as never),
    );
    expect(String(viaResume)).toContain(
      'Invalid options for resume() (1 problem):\n  ownr: unknown option "ownr" (did you mean "owner"?)',
    );
    const forked = await reject(fork("run_1", { store: new MemoryStore() } as never));
    expect(String(forked)).toContain("fromStep: required: expected a non-empty string");
    const replayed = await reject(replay("run_1", { start: { budget: {} } } as never));
    expect(String(replayed)).toContain('start.budget: unknown option "budget"');
    const scheduled = await reject(
      startScheduler({ store: new MemoryStore(), misfireAfterMs: -1, pollMs: "1s" } as never),
    );
    expect(String(scheduled)).toContain(
      'Invalid options for startScheduler() (2 problems):\n  pollMs: expected a number of ms > 0, received "1s"\n  misfireAfterMs: expected a number >= 0, received -1',
    );
  });
});
