import { type Tool, tool } from "ai";
import { z } from "zod";
import { evaluateArithmetic } from "./evaluate-arithmetic.js";

export interface CalculatorInput {
  expression: string;
}

export interface CalculatorOutput {
  expression: string;
  result: number;
}

/**
 * A calculator tool: evaluates arithmetic with a safe parser (no `eval`). See
 * {@link evaluateArithmetic} for what it accepts; anything else is a `ToolError` the model
 * sees as the call's error.
 *
 * @example
 * const analyst = agent({ name: "analyst", model, tools: { calculator: calculator() } });
 */
export function calculator(): Tool<CalculatorInput, CalculatorOutput> {
  return tool({
    description:
      "Evaluates an arithmetic expression exactly and returns its value. Supports + - * / % ^, parentheses, pi, e, and functions such as sqrt, round, min, max, log, ln, exp, sin.",
    inputSchema: z.object({
      expression: z
        .string()
        .describe("The arithmetic expression, for example 2 * (3 + 4) ^ 2 / sqrt(16)")
        .meta({ examples: ["2 * (3 + 4) ^ 2 / sqrt(16)"] }),
    }),
    execute: async ({ expression }) => ({ expression, result: evaluateArithmetic(expression) }),
  });
}
