import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { harness, trace } from "../test-support/harness.js";

function triage(route: (output: string) => string | string[]) {
  return workflow<string>("triage")
    .step("classify", async ({ input }) => input, {
      route: ({ output }) => route(output as string),
    })
    .step("bug", async () => "fixed", { dependsOn: ["classify"] })
    .step("feature", async () => "planned", { dependsOn: ["classify"] })
    .step("bug-followup", async () => "tested", { dependsOn: ["bug"] })
    .step("reply", async ({ results }) => results.bug ?? results.feature, {
      dependsOn: ["bug", "feature"],
    });
}

describe("Routing", () => {
  it("runs the chosen successor and skips the others (reason route), without failing", async () => {
    const { clock, store, options } = harness();
    const run = triage((output) => output).start("feature", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(result.steps.classify!.next).toEqual(["feature"]);
    expect(result.steps.bug).toMatchObject({ status: "skipped", skipReason: "route" });
    expect(result.steps["bug-followup"]).toMatchObject({
      status: "skipped",
      skipReason: "upstream-skipped",
    });
    expect(result.steps.feature!.status).toBe("succeeded");
    expect(
      store
        .events(run.id)
        .find((event) => event.type === "step-end" && event.stepId === "classify"),
    ).toMatchObject({ next: ["feature"] });
  });

  it("runs a join after a route once the chosen branch ends", async () => {
    const { clock, options } = harness();
    const run = triage((output) => output).start("bug", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.steps.reply).toMatchObject({ status: "succeeded", output: "fixed" });
    expect(result.output).toEqual({ "bug-followup": "tested", reply: "fixed" });
  });

  it("can choose several successors, or none", async () => {
    const { clock, store, options } = harness();
    const both = triage(() => ["bug", "feature"]).start("x", options);
    await clock.runAll();
    expect((await both.result).steps.feature!.status).toBe("succeeded");
    expect((await both.result).steps.bug!.status).toBe("succeeded");
    const none = triage(() => []).start("x", options);
    await clock.runAll();
    const result = await none.result;
    expect(result.status).toBe("succeeded");
    expect(trace(store, none.id, ["step-skip"])).toEqual([
      "step-skip:bug",
      "step-skip:feature",
      "step-skip:bug-followup",
      "step-skip:reply",
    ]);
  });

  it("fails the routing step when it names a step that is not its successor", async () => {
    const { clock, options } = harness();
    const run = triage(() => "reply").start("x", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(ConfigurationError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toMatch(
      /Step "classify" routed to "reply", which is not one of its successors \("bug", "feature"\)/,
    );
    expect(result.steps.classify!.status).toBe("failed");
  });

  it("skips a step the route did not choose even when its other dependencies succeeded", async () => {
    const { clock, options } = harness();
    const flow = workflow<string>("review")
      .step("facts", async () => "facts")
      .step("review", async ({ input }) => input, {
        route: ({ output }) => (output === "ok" ? "publish" : "revise"),
      })
      .step("revise", async ({ results }) => `revised with ${results.facts}`, {
        dependsOn: ["review", "facts"],
      })
      .step("publish", async ({ results }) => `published with ${results.facts}`, {
        dependsOn: ["review", "facts"],
      })
      .step("notify", async ({ results }) => results.revise ?? results.publish, {
        dependsOn: ["revise", "publish"],
      });
    const approved = flow.start("ok", options);
    await clock.runAll();
    const result = await approved.result;
    expect(result.status).toBe("succeeded");
    expect(result.steps.revise).toMatchObject({ status: "skipped", skipReason: "route" });
    expect(result.steps.publish).toMatchObject({
      status: "succeeded",
      output: "published with facts",
    });
    // A join after the route (not itself a route target) runs with the chosen branch.
    expect(result.steps.notify).toMatchObject({
      status: "succeeded",
      output: "published with facts",
    });

    const rejected = flow.start("bad", options);
    await clock.runAll();
    const other = await rejected.result;
    expect(other.steps.publish).toMatchObject({ status: "skipped", skipReason: "route" });
    expect(other.steps.revise!.status).toBe("succeeded");
    expect(other.steps.notify).toMatchObject({ status: "succeeded", output: "revised with facts" });
  });

  it("skips an unchosen route target that has a quorum met by its other dependencies", async () => {
    const { clock, store, options } = harness();
    const flow = workflow<string>("pick")
      .step("a", async () => "a")
      .step("b", async () => "b")
      .step("router", async () => "left", { route: () => "left" })
      .step("left", async () => "L", { dependsOn: ["router", "a"] })
      .step("right", async () => "R", { dependsOn: ["router", "a", "b"], quorum: 2 });
    const run = flow.start("x", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.steps.left!.status).toBe("succeeded");
    expect(result.steps.right).toMatchObject({ status: "skipped", skipReason: "route" });
    expect(result.output).toEqual({ left: "L" });
    expect(store.events(run.id).filter((event) => event.stepId === "right")).toHaveLength(1);
  });
});
