import { ToolError } from "./tool-error.js";

/** Longest expression accepted, in characters. */
const MAX_LENGTH = 1_000;
/** Deepest nesting of parentheses, unary signs and powers accepted. */
const MAX_DEPTH = 64;

const FUNCTIONS: Record<string, { arity: [number, number]; apply: (...args: number[]) => number }> =
  {
    abs: { arity: [1, 1], apply: Math.abs },
    sqrt: { arity: [1, 1], apply: Math.sqrt },
    cbrt: { arity: [1, 1], apply: Math.cbrt },
    round: {
      arity: [1, 2],
      apply: (value, digits = 0) => {
        const factor = 10 ** digits;
        return Math.round(value * factor) / factor;
      },
    },
    floor: { arity: [1, 1], apply: Math.floor },
    ceil: { arity: [1, 1], apply: Math.ceil },
    trunc: { arity: [1, 1], apply: Math.trunc },
    min: { arity: [1, Number.POSITIVE_INFINITY], apply: Math.min },
    max: { arity: [1, Number.POSITIVE_INFINITY], apply: Math.max },
    ln: { arity: [1, 1], apply: Math.log },
    log: {
      arity: [1, 2],
      apply: (value, base = 10) =>
        base === 10 ? Math.log10(value) : Math.log(value) / Math.log(base),
    },
    log2: { arity: [1, 1], apply: Math.log2 },
    log10: { arity: [1, 1], apply: Math.log10 },
    exp: { arity: [1, 1], apply: Math.exp },
    pow: { arity: [2, 2], apply: (base, exponent) => base ** exponent },
    sin: { arity: [1, 1], apply: Math.sin },
    cos: { arity: [1, 1], apply: Math.cos },
    tan: { arity: [1, 1], apply: Math.tan },
    asin: { arity: [1, 1], apply: Math.asin },
    acos: { arity: [1, 1], apply: Math.acos },
    atan: { arity: [1, 1], apply: Math.atan },
  };

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI };

type Token =
  | { kind: "number"; value: number; at: number }
  | { kind: "name"; value: string; at: number }
  | { kind: "symbol"; value: string; at: number }
  | { kind: "end"; at: number };

function invalid(message: string): ToolError {
  return new ToolError(message, { tool: "calculator", code: "invalid-expression" });
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[-+*/%^(),]))/y;
  let position = 0;
  while (position < expression.length) {
    if (/^\s*$/.test(expression.slice(position))) break;
    pattern.lastIndex = position;
    const match = pattern.exec(expression);
    if (!match) {
      const at = position + (expression.slice(position).match(/^\s*/)?.[0].length ?? 0);
      throw invalid(
        `Unexpected character "${expression[at]}" at position ${at + 1}: use numbers, + - * / % ^, parentheses and functions such as sqrt(x)`,
      );
    }
    const at = match.index + match[0].length - (match[1] ?? match[2] ?? match[3] ?? "").length;
    if (match[1] !== undefined) tokens.push({ kind: "number", value: Number(match[1]), at });
    else if (match[2] !== undefined) tokens.push({ kind: "name", value: match[2], at });
    else tokens.push({ kind: "symbol", value: match[3] === "**" ? "^" : match[3]!, at });
    position = pattern.lastIndex;
  }
  tokens.push({ kind: "end", at: expression.length });
  return tokens;
}

/**
 * Evaluates an arithmetic expression with a recursive-descent parser: no `eval`, no
 * access to anything but numbers. Supports `+ - * / %`, `^` and `**` (right-associative,
 * binding tighter than a leading minus: `-2^2` is -4), parentheses, the constants `pi`,
 * `e` and `tau`, and the functions abs, sqrt, cbrt, round(x[, digits]), floor, ceil, trunc,
 * min, max, ln, log(x[, base]) (base 10 by default), log2, log10, exp, pow, sin, cos, tan,
 * asin, acos, atan.
 *
 * @throws ToolError (`invalid-expression`) for anything else, a division by zero, or a
 *   result that is not a finite number.
 * @example evaluateArithmetic("2 * (3 + 4) ^ 2") // 98
 */
export function evaluateArithmetic(expression: string): number {
  if (typeof expression !== "string") {
    throw new TypeError(
      `evaluateArithmetic: expected "expression" to be a string, received ${expression === null ? "null" : typeof expression}`,
    );
  }
  if (expression.length > MAX_LENGTH) {
    throw invalid(`The expression is longer than ${MAX_LENGTH} characters`);
  }
  const tokens = tokenize(expression);
  let index = 0;
  let depth = 0;
  const peek = () => tokens[index]!;
  const next = () => tokens[index++]!;
  const operator = () => (next() as { value: string }).value;
  const isSymbol = (value: string) => {
    const token = peek();
    return token.kind === "symbol" && token.value === value;
  };
  const describe = (token: Token) =>
    token.kind === "end"
      ? "the end of the expression"
      : `"${token.value}" at position ${token.at + 1}`;
  const expect = (value: string) => {
    const token = next();
    if (token.kind !== "symbol" || token.value !== value) {
      throw invalid(`Expected "${value}" but found ${describe(token)}`);
    }
  };
  const nested = <T>(parse: () => T): T => {
    if (++depth > MAX_DEPTH) throw invalid(`The expression nests deeper than ${MAX_DEPTH} levels`);
    try {
      return parse();
    } finally {
      depth--;
    }
  };

  const sum = (): number => {
    let value = product();
    while (isSymbol("+") || isSymbol("-")) {
      const symbol = operator();
      const right = product();
      value = symbol === "+" ? value + right : value - right;
    }
    return value;
  };
  const product = (): number => {
    let value = unary();
    while (isSymbol("*") || isSymbol("/") || isSymbol("%")) {
      const symbol = operator();
      const right = unary();
      if ((symbol === "/" || symbol === "%") && right === 0) throw invalid("Division by zero");
      value = symbol === "*" ? value * right : symbol === "/" ? value / right : value % right;
    }
    return value;
  };
  const unary = (): number =>
    nested(() => {
      if (isSymbol("-")) {
        next();
        return -unary();
      }
      if (isSymbol("+")) {
        next();
        return unary();
      }
      return power();
    });
  const power = (): number => {
    const base = primary();
    if (!isSymbol("^")) return base;
    next();
    return base ** unary();
  };
  const primary = (): number => {
    const token = next();
    if (token.kind === "number") return token.value;
    if (token.kind === "symbol" && token.value === "(") {
      const value = nested(sum);
      expect(")");
      return value;
    }
    if (token.kind === "name") {
      const name = token.value.toLowerCase();
      // Own properties only: "constructor" and friends are not names.
      const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
      if (fn && isSymbol("(")) {
        next();
        const args: number[] = [];
        if (!isSymbol(")")) {
          args.push(nested(sum));
          while (isSymbol(",")) {
            next();
            args.push(nested(sum));
          }
        }
        expect(")");
        const [least, most] = fn.arity;
        if (args.length < least || args.length > most) {
          const wanted =
            least === most
              ? `${least}`
              : most === Number.POSITIVE_INFINITY
                ? `at least ${least}`
                : `${least} or ${most}`;
          throw invalid(
            `${name}() takes ${wanted} argument${wanted === "1" ? "" : "s"}, received ${args.length}`,
          );
        }
        return fn.apply(...args);
      }
      const constant = Object.hasOwn(CONSTANTS, name) ? CONSTANTS[name] : undefined;
      if (constant !== undefined) return constant;
      throw invalid(
        `Unknown name "${token.value}" at position ${token.at + 1} (constants: ${Object.keys(CONSTANTS).join(", ")}; functions: ${Object.keys(FUNCTIONS).join(", ")})`,
      );
    }
    throw invalid(`Expected a number, a name or "(" but found ${describe(token)}`);
  };

  if (peek().kind === "end") throw invalid("The expression is empty");
  const value = sum();
  if (peek().kind !== "end") throw invalid(`Unexpected ${describe(peek())}`);
  if (!Number.isFinite(value)) throw invalid(`The result is not a finite number (${value})`);
  return value;
}
