import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { harness } from "../test-support/harness.js";

describe("Conditions", () => {
  it("skips a step whose condition is false (reason condition) and its dependents (upstream-skipped)", async () => {
    const { clock, options } = harness();
    const flow = workflow<{ translate: boolean }>("cond")
      .step("draft", async () => "text")
      .step("translate", async () => "texte", {
        dependsOn: ["draft"],
        when: ({ input }) => input.translate,
      })
      .step("proofread", async () => "ok", { dependsOn: ["translate"] })
      .step("publish", async ({ results }) => results.translate ?? results.draft, {
        dependsOn: ["draft", "translate"],
      });
    const skipped = flow.start({ translate: false }, options);
    await clock.runAll();
    const result = await skipped.result;
    expect(result.status).toBe("succeeded");
    expect(result.steps.translate).toMatchObject({ status: "skipped", skipReason: "condition" });
    expect(result.steps.proofread).toMatchObject({
      status: "skipped",
      skipReason: "upstream-skipped",
    });
    expect(result.steps.publish).toMatchObject({ status: "succeeded", output: "text" });

    const taken = flow.start({ translate: true }, options);
    await clock.runAll();
    expect((await taken.result).steps.publish!.output).toBe("texte");
  });

  it("sees the results of the dependencies", async () => {
    const { clock, options } = harness();
    const flow = workflow("cond")
      .step("score", async () => 0.4)
      .step("escalate", async () => "human", {
        dependsOn: ["score"],
        when: ({ results }) => results.score < 0.5,
      });
    const run = flow.start(undefined, options);
    await clock.runAll();
    expect((await run.result).steps.escalate!.status).toBe("succeeded");
  });

  it("fails the step when the condition throws", async () => {
    const { clock, options } = harness();
    const flow = workflow("cond").step("s", async () => 1, {
      when: () => {
        throw new Error("bad condition");
      },
    });
    const run = flow.start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(result.steps.s).toMatchObject({
      status: "failed",
      attempts: 0,
      error: { message: "bad condition" },
    });
  });
});
