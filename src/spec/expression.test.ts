import { describe, expect, it } from "vitest";
import { evaluateExpression, isTruthy, parseExpression } from "./expression.js";

const scope = {
  input: { topic: "tides", depth: 2, tags: ["sea", "moon"] },
  steps: {
    review: { text: "Looks good. APPROVED", output: { approved: true, score: 0.75, notes: [] } },
  },
  iteration: 3,
};

function evaluate(source: string): unknown {
  const parsed = parseExpression(source);
  if (!parsed.ok) throw new Error(`${parsed.message} at ${parsed.offset}`);
  return evaluateExpression(parsed.expression, scope);
}

describe("parseExpression / evaluateExpression", () => {
  it("compares values read by path with literals", () => {
    expect(evaluate("input.topic == 'tides'")).toBe(true);
    expect(evaluate('input.topic != "tides"')).toBe(false);
    expect(evaluate("steps.review.output.score >= 0.5")).toBe(true);
    expect(evaluate("steps.review.output.score < 0.5")).toBe(false);
    expect(evaluate("iteration > 2 && iteration <= 3")).toBe(true);
    expect(evaluate("input.depth == -2")).toBe(false);
  });

  it("reads array items and lengths", () => {
    expect(evaluate("input.tags[1] == 'moon'")).toBe(true);
    expect(evaluate("input.tags.0 == 'sea'")).toBe(true);
    expect(evaluate("input.tags.length == 2")).toBe(true);
    expect(evaluate("steps.review.output.notes.length > 0")).toBe(false);
  });

  it("tests containment in text and lists", () => {
    expect(evaluate("steps.review.text contains 'APPROVED'")).toBe(true);
    expect(evaluate("input.tags contains 'moon'")).toBe(true);
    expect(evaluate("input.tags contains 'sun'")).toBe(false);
  });

  it("combines with and/or/not (and && || !), with parentheses and the usual precedence", () => {
    expect(evaluate("not steps.review.output.approved or input.depth == 2")).toBe(true);
    expect(evaluate("!(input.depth == 2) || false and true")).toBe(false);
    expect(evaluate("(false or true) and true")).toBe(true);
  });

  it("treats missing, null, 0, empty text and empty lists as false", () => {
    for (const falsy of [undefined, null, 0, "", [], Number.NaN, false])
      expect(isTruthy(falsy)).toBe(false);
    for (const truthy of ["x", 1, [0], {}, true]) expect(isTruthy(truthy)).toBe(true);
    expect(evaluate("steps.missing.text")).toBeUndefined();
    expect(evaluate("steps.missing.text == null")).toBe(true);
  });

  it("accepts a whole expression wrapped in {{ }}", () => {
    expect(evaluate("{{ steps.review.output.approved }}")).toBe(true);
  });

  it("never reads inherited properties such as constructor or __proto__", () => {
    expect(evaluate("input.constructor")).toBeUndefined();
    expect(evaluate("input.__proto__")).toBeUndefined();
    expect(evaluate("input.topic.constructor")).toBeUndefined();
    // A bare name that an object literal would inherit is just a missing name.
    expect(evaluate("toString")).toBeUndefined();
    expect(evaluate("constructor == null")).toBe(true);
  });

  it("reports where an expression stops making sense", () => {
    expect(parseExpression("input.topic = 'x'")).toEqual({
      ok: false,
      message: 'use "==" to compare',
      offset: 12,
    });
    expect(parseExpression("a == ")).toMatchObject({
      ok: false,
      message: "expected a value, found the end",
    });
    expect(parseExpression("(a == b")).toMatchObject({ ok: false, message: 'expected ")"' });
    expect(parseExpression("a b")).toMatchObject({
      ok: false,
      message: "unexpected value; join conditions with && or ||",
      offset: 2,
    });
    expect(parseExpression("'open")).toMatchObject({ ok: false, message: "unterminated string" });
    expect(parseExpression("a + b")).toMatchObject({
      ok: false,
      message: 'unexpected "+"',
      offset: 2,
    });
    expect(parseExpression("{{ a = b }}")).toMatchObject({ ok: false, offset: 5 });
  });

  it("lists the references it reads, for the spec checks", () => {
    const parsed = parseExpression("steps.a.text contains 'x' and input.b");
    expect(parsed.ok && parsed.references.map((reference) => reference.text)).toEqual([
      "steps.a.text",
      "input.b",
    ]);
  });

  it("evaluates a chain of 100,000 conditions, in order and short-circuited", {
    timeout: 60_000,
  }, () => {
    const terms = Array.from({ length: 100_000 }, () => "iteration == 3");
    expect(evaluate(terms.join(" && "))).toBe(true);
    expect(evaluate([...terms, "iteration == 4"].join(" and "))).toBe(false);
    expect(evaluate(["iteration == 4", ...terms].join(" || "))).toBe(true);
    // The right side of a false `and` is never read.
    const parsed = parseExpression(["false", ...terms.slice(1), "input.x"].join(" and "));
    const reads: string[] = [];
    const spy = new Proxy(scope, {
      get: (target, key) => {
        reads.push(String(key));
        return Reflect.get(target, key);
      },
    });
    expect(parsed.ok && evaluateExpression(parsed.expression, spy)).toBe(false);
    expect(reads).toEqual([]);
  });

  it("refuses parentheses or nots nested more than 64 deep, without overflowing the stack", () => {
    expect(evaluate(`${"(".repeat(64)}iteration == 3${")".repeat(64)}`)).toBe(true);
    expect(evaluate(`${"not ".repeat(64)}false`)).toBe(false);
    for (const source of [
      `${"(".repeat(65)}true${")".repeat(65)}`,
      `${"(".repeat(100_000)}true${")".repeat(100_000)}`,
      "!".repeat(100_000) + "true",
    ]) {
      expect(parseExpression(source)).toMatchObject({
        ok: false,
        message: "nested more than 64 levels deep (parentheses and not)",
      });
    }
  });
});
