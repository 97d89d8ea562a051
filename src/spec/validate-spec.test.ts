import { describe, expect, it } from "vitest";
import { SpecError } from "./spec-error.js";
import { chainSpec } from "./test-support/chain-spec.js";
import { validateSpec } from "./validate-spec.js";

function problems(value: unknown) {
  try {
    validateSpec(value);
  } catch (error) {
    if (SpecError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error("expected the spec to be invalid");
}

describe("validateSpec", () => {
  it("accepts a 100,000-step chain listed dependents first, as in dependencies-first order", {
    timeout: 60_000,
  }, () => {
    for (const order of ["dependents-first", "dependencies-first"] as const) {
      const spec = validateSpec(chainSpec(100_000, { order }), { kind: "workflow" });
      expect(spec.steps).toHaveLength(100_000);
    }
  });

  it("names a cycle that closes a long chain, with every step on its way", {
    timeout: 60_000,
  }, () => {
    const count = 100_000;
    const issues = problems(chainSpec(count, { cycle: { from: 0, to: count - 1 } }));
    expect(issues).toHaveLength(1);
    // A cycle is shown from its first listed step: listed dependents first, that is the last.
    const last = `s${count - 1}`;
    expect(issues[0]!.path).toBe("steps[0].dependsOn");
    const names = issues[0]!.message.replace(/^dependency cycle: /, "").split(" -> ");
    expect(names).toEqual([
      last,
      ...Array.from({ length: count - 1 }, (_, index) => `s${index}`),
      last,
    ]);
  });

  it("names a short cycle in the middle of a long chain, and only that one", () => {
    const issues = problems(chainSpec(50_000, { cycle: { from: 20_000, to: 20_002 } }));
    expect(issues).toEqual([
      {
        path: "steps[29997].dependsOn",
        message: "dependency cycle: s20002 -> s20000 -> s20001 -> s20002",
      },
    ]);
  });

  it("checks templates that read far up a long chain, and ones that read down it", () => {
    const spec = chainSpec(20_000, { order: "dependencies-first" });
    const steps = spec.steps as Array<Record<string, unknown>>;
    for (const step of steps.slice(1)) step.input = "{{ steps.s0.text }}";
    expect(validateSpec(spec, { kind: "workflow" }).steps).toHaveLength(20_000);
    steps[5]!.input = "{{ steps.s19999.text }}";
    expect(problems(spec)).toEqual([
      {
        path: "steps[5].input",
        message:
          '{{steps.s19999.text}} reads step "s19999", which is not a dependency of "s5", so it may not have run yet (add it to dependsOn)',
      },
    ]);
  });

  it("lists at most 20 known names when a name is unknown, however many there are", () => {
    const spec = chainSpec(1_000, { order: "dependencies-first" });
    (spec.steps as Array<Record<string, unknown>>)[3]!.dependsOn = ["nope"];
    const [issue] = problems(spec);
    expect(issue).toMatchObject({ path: "steps[3].dependsOn[0]" });
    expect(issue!.message).toBe(
      `unknown step "nope" (known: ${Array.from({ length: 20 }, (_, index) => `s${index}`).join(", ")}, ... and 980 more)`,
    );
  });

  it("refuses a route on a step that nothing depends on, even with no targets", () => {
    const spec = {
      name: "routes",
      agents: { writer: { model: "simulated:writer" } },
      steps: [{ id: "a", agent: "writer", route: [{ to: [] }] }],
    };
    expect(problems(spec)).toEqual([
      {
        path: "steps[0].route",
        message: 'step "a" has a route, but no step depends on it, so there is nothing to route to',
      },
    ]);
  });
});
