import { describe, expect, it } from "vitest";
import { calculator } from "./calculator.js";
import { evaluateArithmetic } from "./evaluate-arithmetic.js";
import { ToolError } from "./tool-error.js";

function failure(expression: string): ToolError {
  try {
    evaluateArithmetic(expression);
  } catch (error) {
    if (ToolError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected "${expression}" to fail`);
}

describe("evaluateArithmetic", () => {
  it("follows the usual precedence and associativity", () => {
    expect(evaluateArithmetic("2 + 3 * 4")).toBe(14);
    expect(evaluateArithmetic("(2 + 3) * 4")).toBe(20);
    expect(evaluateArithmetic("10 - 4 - 3")).toBe(3);
    expect(evaluateArithmetic("2 ^ 3 ^ 2")).toBe(512);
    expect(evaluateArithmetic("2 ** 10")).toBe(1024);
    expect(evaluateArithmetic("-2 ^ 2")).toBe(-4);
    expect(evaluateArithmetic("2 ^ -1")).toBe(0.5);
    expect(evaluateArithmetic("7 % 3 + -(-1)")).toBe(2);
    expect(evaluateArithmetic("1.5e3 / .5")).toBe(3000);
  });

  it("knows constants and functions, case-insensitively", () => {
    expect(evaluateArithmetic("sqrt(16) + abs(-2)")).toBe(6);
    expect(evaluateArithmetic("max(1, 7, 3) - min(4, 2)")).toBe(5);
    expect(evaluateArithmetic("round(2.345, 2)")).toBe(2.35);
    expect(evaluateArithmetic("log(1000) + log(8, 2) + ln(e)")).toBeCloseTo(7, 12);
    expect(evaluateArithmetic("2 * PI")).toBeCloseTo(2 * Math.PI, 12);
    expect(evaluateArithmetic("pow(3, 2) + floor(2.7) + ceil(0.1)")).toBe(12);
  });

  it("refuses anything that is not arithmetic, with a message the model can act on", () => {
    expect(failure("process.exit(1)").message).toMatch(/Unexpected character "\." at position 8/);
    expect(failure("constructor").message).toMatch(/Unknown name "constructor"/);
    expect(failure("require('fs')").message).toMatch(/Unexpected character "'"/);
    expect(failure("alert(1)").message).toMatch(/Unknown name "alert"/);
    expect(failure("1 +").message).toMatch(/found the end of the expression/);
    expect(failure("(1 + 2").message).toMatch(/Expected "\)"/);
    expect(failure("1 2").message).toMatch(/Unexpected "2" at position 3/);
    expect(failure("").message).toBe("The expression is empty");
    expect(failure("sqrt(1, 2)").message).toBe("sqrt() takes 1 argument, received 2");
    expect(failure("1 / 0").message).toBe("Division by zero");
    expect(failure("10 ^ 400").message).toMatch(/not a finite number/);
    expect(failure("sqrt(-1)").message).toMatch(/not a finite number \(NaN\)/);
    expect(failure(`${"(".repeat(100)}1${")".repeat(100)}`).message).toMatch(
      /nests deeper than 64/,
    );
    expect(failure("1+".repeat(600)).message).toMatch(/longer than 1000/);
    expect(failure("1 / 0").code).toBe("invalid-expression");
    expect(() => evaluateArithmetic(42 as never)).toThrow(TypeError);
  });
});

describe("calculator", () => {
  it("is a tool that returns the expression and its value", async () => {
    const tool = calculator();
    const output = await tool.execute!(
      { expression: "6 * 7" },
      { toolCallId: "c1", messages: [], context: undefined as never },
    );
    expect(output).toEqual({ expression: "6 * 7", result: 42 });
    await expect(
      Promise.resolve(
        tool.execute!(
          { expression: "6 *" },
          { toolCallId: "c2", messages: [], context: undefined as never },
        ),
      ),
    ).rejects.toMatchObject({ name: "ToolError", tool: "calculator" });
  });
});
