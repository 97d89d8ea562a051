import { type Reference, readPath, resolvePath } from "./reference.js";
import { SPEC_LIMITS } from "./spec-limits.js";

/**
 * The small condition language of `when`, `loop.until` and `route[].when` (internal).
 *
 *     expression := or
 *     or         := and (("||" | "or") and)*
 *     and        := unary (("&&" | "and") unary)*
 *     unary      := ("!" | "not") unary | comparison
 *     comparison := value (("==" | "!=" | "<" | "<=" | ">" | ">=" | "contains") value)?
 *     value      := path | "string" | 'string' | number | true | false | null | "(" expression ")"
 *
 * It reads values and compares them; it cannot call anything, so a spec never runs code.
 * A whole expression may be wrapped in `{{ }}`, as templates are.
 */
export type Expression =
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "reference"; reference: Reference }
  | { kind: "not"; operand: Expression }
  | { kind: "and" | "or"; left: Expression; right: Expression }
  | { kind: "compare"; operator: CompareOperator; left: Expression; right: Expression };

export type CompareOperator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "contains";

export type ParseExpressionResult =
  | { ok: true; expression: Expression; references: Reference[] }
  | { ok: false; message: string; offset: number };

type Token =
  | { kind: "path"; reference: Reference; offset: number }
  | { kind: "literal"; value: string | number | boolean | null; offset: number }
  | { kind: "operator"; value: string; offset: number }
  | { kind: "end"; offset: number };

class ParseFailure {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

const keywords = new Set(["and", "or", "not", "contains"]);
const literals = new Map<string, boolean | null>([
  ["true", true],
  ["false", false],
  ["null", null],
]);

export function parseExpression(source: string): ParseExpressionResult {
  const wrapped = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(source);
  const text = wrapped ? wrapped[1]! : source;
  const shift = wrapped ? source.indexOf("{{") + 2 : 0;
  const references: Reference[] = [];
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (error) {
    if (error instanceof ParseFailure)
      return { ok: false, message: error.message, offset: error.offset + shift };
    throw error;
  }
  let position = 0;
  const peek = () => tokens[position]!;
  const isOperator = (...values: string[]) => {
    const token = peek();
    return token.kind === "operator" && values.includes(token.value);
  };

  // Parentheses and `not` recurse; a bound keeps a hostile condition off the stack's end.
  let nesting = 0;
  const enter = () => {
    if (++nesting > SPEC_LIMITS.conditionDepth)
      throw new ParseFailure(
        `nested more than ${SPEC_LIMITS.conditionDepth} levels deep (parentheses and not)`,
        peek().offset,
      );
  };
  const parseOr = (): Expression => {
    const operands = [parseAnd()];
    while (isOperator("||", "or")) {
      position++;
      operands.push(parseAnd());
    }
    return balanced("or", operands);
  };
  const parseAnd = (): Expression => {
    const operands = [parseUnary()];
    while (isOperator("&&", "and")) {
      position++;
      operands.push(parseUnary());
    }
    return balanced("and", operands);
  };
  const parseUnary = (): Expression => {
    if (isOperator("!", "not")) {
      enter();
      position++;
      const operand = parseUnary();
      nesting--;
      return { kind: "not", operand };
    }
    const left = parseValue();
    if (isOperator("==", "!=", "<", "<=", ">", ">=", "contains")) {
      const operator = (peek() as { value: CompareOperator }).value;
      position++;
      return { kind: "compare", operator, left, right: parseValue() };
    }
    return left;
  };
  const parseValue = (): Expression => {
    const token = peek();
    position++;
    if (token.kind === "literal") return { kind: "literal", value: token.value };
    if (token.kind === "path") {
      references.push(token.reference);
      return { kind: "reference", reference: token.reference };
    }
    if (token.kind === "operator" && token.value === "(") {
      enter();
      const inner = parseOr();
      if (!isOperator(")")) throw new ParseFailure('expected ")"', peek().offset);
      position++;
      nesting--;
      return inner;
    }
    throw new ParseFailure(
      token.kind === "end"
        ? "expected a value, found the end"
        : `expected a value, found "${token.kind === "operator" ? token.value : ""}"`,
      token.offset,
    );
  };

  try {
    const expression = parseOr();
    const rest = peek();
    if (rest.kind !== "end") {
      throw new ParseFailure(
        `unexpected ${rest.kind === "operator" ? `"${rest.value}"` : "value"}; join conditions with && or ||`,
        rest.offset,
      );
    }
    for (const reference of references) reference.offset += shift;
    return { ok: true, expression, references };
  } catch (error) {
    if (error instanceof ParseFailure)
      return { ok: false, message: error.message, offset: error.offset + shift };
    throw error;
  }
}

/**
 * `a && b && c && ...` as a balanced tree, operands kept in order: evaluation (which
 * recurses) then goes log2(n) deep however long the chain, with the same short-circuits.
 */
function balanced(kind: "and" | "or", operands: Expression[]): Expression {
  let level = operands;
  while (level.length > 1) {
    const next: Expression[] = [];
    for (let index = 0; index < level.length; index += 2) {
      const left = level[index]!;
      const right = level[index + 1];
      next.push(right === undefined ? left : { kind, left, right });
    }
    level = next;
  }
  return level[0]!;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (/\s/.test(character)) {
      index++;
      continue;
    }
    const two = text.slice(index, index + 2);
    if (["==", "!=", "<=", ">=", "&&", "||"].includes(two)) {
      tokens.push({ kind: "operator", value: two, offset: index });
      index += 2;
    } else if ("<>!()".includes(character)) {
      tokens.push({ kind: "operator", value: character, offset: index });
      index++;
    } else if (character === '"' || character === "'") {
      const start = index;
      let value = "";
      index++;
      while (index < text.length && text[index] !== character) {
        if (text[index] === "\\" && index + 1 < text.length) index++;
        value += text[index];
        index++;
      }
      if (index >= text.length) throw new ParseFailure("unterminated string", start);
      index++;
      tokens.push({ kind: "literal", value, offset: start });
    } else if (
      /[0-9]/.test(character) ||
      (character === "-" && /[0-9]/.test(text[index + 1] ?? ""))
    ) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(index))!;
      tokens.push({ kind: "literal", value: Number(match[0]), offset: index });
      index += match[0].length;
    } else if (/[A-Za-z_]/.test(character)) {
      const path = readPath(text, index);
      if (!path.ok) throw new ParseFailure(path.message, path.offset);
      const word = path.reference.text;
      if (literals.has(word))
        tokens.push({ kind: "literal", value: literals.get(word)!, offset: index });
      else if (keywords.has(word)) tokens.push({ kind: "operator", value: word, offset: index });
      else tokens.push({ kind: "path", reference: path.reference, offset: index });
      index = path.end;
    } else if (character === "=") {
      throw new ParseFailure('use "==" to compare', index);
    } else {
      throw new ParseFailure(`unexpected "${character}"`, index);
    }
  }
  tokens.push({ kind: "end", offset: text.length });
  return tokens;
}

/** Evaluates against `scope` (an object whose keys are the roots: `input`, `steps`, ...). */
export function evaluateExpression(expression: Expression, scope: unknown): unknown {
  switch (expression.kind) {
    case "literal":
      return expression.value;
    case "reference":
      return resolvePath(scope, expression.reference.segments);
    case "not":
      return !isTruthy(evaluateExpression(expression.operand, scope));
    case "and":
      return (
        isTruthy(evaluateExpression(expression.left, scope)) &&
        isTruthy(evaluateExpression(expression.right, scope))
      );
    case "or":
      return (
        isTruthy(evaluateExpression(expression.left, scope)) ||
        isTruthy(evaluateExpression(expression.right, scope))
      );
    case "compare":
      return compare(
        expression.operator,
        evaluateExpression(expression.left, scope),
        evaluateExpression(expression.right, scope),
      );
  }
}

/** `false`, `null`, missing, `0`, `NaN`, `""` and `[]` are false; everything else is true. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

function compare(operator: CompareOperator, left: unknown, right: unknown): boolean {
  switch (operator) {
    case "==":
      return deepEqual(left, right);
    case "!=":
      return !deepEqual(left, right);
    case "contains":
      if (typeof left === "string") return left.includes(String(right ?? ""));
      if (Array.isArray(left)) return left.some((item) => deepEqual(item, right));
      return false;
    default: {
      const bothNumbers = typeof left === "number" && typeof right === "number";
      const bothStrings = typeof left === "string" && typeof right === "string";
      if (!bothNumbers && !bothStrings) return false;
      const a = left as number | string;
      const b = right as number | string;
      if (operator === "<") return a < b;
      if (operator === "<=") return a <= b;
      if (operator === ">") return a > b;
      return a >= b;
    }
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // A missing value equals null, so `output.error == null` reads naturally.
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key) =>
      Object.hasOwn(b, key) &&
      deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
