import type { z } from "zod";

/** The zod namespace (`import { z } from "zod"`), handed to a rule to build its schema. */
export type Zod = typeof z;

/**
 * What an options value must be, in two forms made from one definition: `test`, plain
 * JavaScript that every options object goes through (so valid options, and `import
 * "baton-ai"`, never load zod), and `zod`, the same rule as a zod schema, built only when a
 * value fails (to name every problem with its path) and by specs, which parse with it.
 * Build rules with {@link rules}; each combinator makes both forms, so they cannot differ
 * (a test compares them on many values).
 */
export interface OptionRule<Schema extends z.ZodType = z.ZodType> {
  /** Whether `value` follows the rule. */
  readonly test: (value: unknown) => boolean;
  /** The rule as a zod schema, built with `z`. */
  readonly zod: (z: Zod) => Schema;
}

/** The zod schema an option rule builds. */
export type SchemaOf<Rule> = Rule extends OptionRule<infer Schema> ? Schema : never;

type Shape = Record<string, OptionRule>;
type ZodShape<S extends Shape> = { -readonly [K in keyof S]: SchemaOf<S[K]> };
type ZodOptions<R extends readonly OptionRule[]> = { -readonly [I in keyof R]: SchemaOf<R[I]> };

/** One problem a {@link rules.refine} check finds, relative to the value it checks. */
export interface RuleProblem {
  path: readonly (string | number)[];
  message: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A plain object as zod's records take it (not a class instance, a Map or an array). */
function isPlainObject(value: unknown): value is Record<PropertyKey, unknown> {
  if (!isObject(value)) return false;
  const maker: unknown = value.constructor;
  if (typeof maker !== "function") return true;
  const prototype: unknown = maker.prototype;
  return isObject(prototype) && Object.hasOwn(prototype, "isPrototypeOf");
}

/** How a number must be; each bound is inclusive but `gt`. */
interface NumberBounds {
  integer?: boolean;
  min?: number;
  gt?: number;
  max?: number;
  /** `Infinity` too, for "no limit" (code only: JSON has no `Infinity`). */
  infinity?: boolean;
}

/**
 * A number (finite, as zod's are): `expected` is the whole message for a value of another
 * type or out of bounds (`"expected an integer >= 1"`).
 */
function number(bounds: NumberBounds, expected: string): OptionRule<z.ZodNumber> {
  const { integer = false, min, gt, max, infinity = false } = bounds;
  return {
    test: (value) =>
      typeof value === "number" &&
      ((infinity && value === Number.POSITIVE_INFINITY) ||
        ((integer ? Number.isSafeInteger(value) : Number.isFinite(value)) &&
          (min === undefined || value >= min) &&
          (gt === undefined || value > gt) &&
          (max === undefined || value <= max))),
    zod: (z) => {
      let schema: z.ZodNumber = integer
        ? z.int({ error: expected })
        : z.number({ error: expected });
      if (min !== undefined) schema = schema.min(min, { error: expected });
      if (gt !== undefined) schema = schema.gt(gt, { error: expected });
      if (max !== undefined) schema = schema.max(max, { error: expected });
      // Typed as a number schema: `Infinity` is a number to TypeScript too.
      return infinity
        ? (z.union([schema, z.literal(Number.POSITIVE_INFINITY)], {
            error: expected,
          }) as unknown as z.ZodNumber)
        : schema;
    },
  };
}

/** A string, non-empty when `nonEmpty`, matching `pattern` when given (no `g` or `y` flag). */
function string(
  expected: string,
  { nonEmpty = false, pattern }: { nonEmpty?: boolean; pattern?: RegExp } = {},
): OptionRule<z.ZodString> {
  return {
    test: (value) =>
      typeof value === "string" &&
      (!nonEmpty || value.length > 0) &&
      (pattern === undefined || pattern.test(value)),
    zod: (z) => {
      let schema = z.string({ error: expected });
      if (nonEmpty) schema = schema.min(1, { error: expected });
      if (pattern !== undefined) schema = schema.regex(pattern, { error: expected });
      return schema;
    },
  };
}

function boolean(expected = "expected true or false"): OptionRule<z.ZodBoolean> {
  return {
    test: (value) => typeof value === "boolean",
    zod: (z) => z.boolean({ error: expected }),
  };
}

/** Exactly `value`. */
function literal<const Value extends string | number | boolean>(
  value: Value,
  expected: string,
): OptionRule<z.ZodLiteral<Value>> {
  return { test: (given) => given === value, zod: (z) => z.literal(value, { error: expected }) };
}

/** One of these strings. */
function oneOf<const Values extends readonly [string, ...string[]]>(
  values: Values,
  expected: string,
): OptionRule<z.ZodEnum<{ [K in Values[number]]: K }>> {
  const allowed = new Set<unknown>(values);
  return {
    test: (value) => allowed.has(value),
    zod: (z) => z.enum(values, { error: expected }) as z.ZodEnum<{ [K in Values[number]]: K }>,
  };
}

/** Anything `test` accepts: what JSON cannot say (a function, a class instance, a store). */
function custom<T>(
  test: (value: unknown) => boolean,
  expected: string,
): OptionRule<z.ZodCustom<T>> {
  return { test, zod: (z) => z.custom<T>(test, { error: expected }) };
}

/** A function (what it takes and returns is left to TypeScript). */
function fn<T = (...args: never[]) => unknown>(
  expected = "expected a function",
): OptionRule<z.ZodCustom<T>> {
  return custom<T>((value) => typeof value === "function", expected);
}

/** An instance of `type` (or of a subclass). */
function instanceOf<T>(
  type: abstract new (...args: never[]) => T,
  expected: string,
): OptionRule<z.ZodCustom<T>> {
  return custom<T>((value) => value instanceof type, expected);
}

/** An object with these methods (a store, a clock, a signal). */
function withMethods<T extends object>(
  methods: readonly string[],
  expected: string,
): OptionRule<z.ZodCustom<T>> {
  return custom<T>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === "function"),
    expected,
  );
}

/** Anything at all, `undefined` included (checked elsewhere, or not ours to check). */
function anything(): OptionRule<z.ZodOptional<z.ZodUnknown>> {
  return { test: () => true, zod: (z) => z.unknown().optional() };
}

/** The value may be left out (`undefined`). */
function optional<Schema extends z.ZodType>(
  rule: OptionRule<Schema>,
): OptionRule<z.ZodOptional<Schema>> {
  const { test } = rule;
  return {
    test: (value) => value === undefined || test(value),
    zod: (z) => rule.zod(z).optional(),
  };
}

/**
 * An array whose every element follows `element`; with `nonEmpty`, one at least (a string
 * `nonEmpty` is what an empty array is told).
 */
function array<Schema extends z.ZodType>(
  element: OptionRule<Schema>,
  expected: string,
  { nonEmpty = false }: { nonEmpty?: boolean | string } = {},
): OptionRule<z.ZodArray<Schema>> {
  const { test } = element;
  return {
    test: (value) =>
      Array.isArray(value) && (!nonEmpty || value.length > 0) && value.every((item) => test(item)),
    zod: (z) => {
      const schema = z.array(element.zod(z), { error: expected });
      if (!nonEmpty) return schema;
      return schema.min(1, { error: typeof nonEmpty === "string" ? nonEmpty : expected });
    },
  };
}

/** A plain object of any keys that follow `key`, each value following `value`. */
function record<Key extends z.ZodType<string>, Value extends z.ZodType>(
  key: OptionRule<Key>,
  value: OptionRule<Value>,
  expected: string,
): OptionRule<z.ZodRecord<Key & z.core.$ZodRecordKey, Value>> {
  return {
    test: (given) =>
      isPlainObject(given) &&
      Reflect.ownKeys(given).every(
        (name) =>
          name === "__proto__" ||
          !Object.prototype.propertyIsEnumerable.call(given, name) ||
          (key.test(name) && value.test(given[name])),
      ),
    zod: (z) =>
      z.record(key.zod(z) as Key & z.core.$ZodRecordKey, value.zod(z), { error: expected }),
  };
}

/**
 * An object with these keys and no others: an unknown key is an error (and gets a "did
 * you mean"), as in a spec.
 */
function object<S extends Shape>(
  shape: S,
  expected: string,
): OptionRule<z.ZodObject<ZodShape<S>, z.core.$strict>> {
  const entries = Object.entries(shape);
  const known = new Set(Object.keys(shape));
  // Plain loops over arrays made once: options objects are checked on every run.
  const keys = entries.map(([key]) => key);
  const tests = entries.map(([, rule]) => rule.test);
  return {
    test: (value) => {
      if (!isObject(value)) return false;
      for (const key in value) if (!known.has(key)) return false;
      for (let index = 0; index < keys.length; index++) {
        if (!tests[index]!(value[keys[index]!])) return false;
      }
      return true;
    },
    zod: (z) => {
      const schemas: Record<string, z.ZodType> = {};
      for (const [key, rule] of entries) schemas[key] = rule.zod(z);
      return z.strictObject(schemas as ZodShape<S>, { error: expected });
    },
  };
}

/** One of these rules. */
function union<const R extends readonly [OptionRule, ...OptionRule[]]>(
  options: R,
  expected: string,
): OptionRule<z.ZodUnion<ZodOptions<R>>> {
  return {
    test: (value) => options.some((option) => option.test(value)),
    zod: (z) =>
      z.union(options.map((option) => option.zod(z)) as unknown as ZodOptions<R>, {
        error: expected,
      }),
  };
}

/** `rule`, and then what `problems` finds across its fields (none: the value is fine). */
function refine<Schema extends z.ZodType>(
  rule: OptionRule<Schema>,
  problems: (value: z.output<Schema>) => RuleProblem[],
): OptionRule<Schema> {
  return {
    test: (value) => rule.test(value) && problems(value as z.output<Schema>).length === 0,
    zod: (z) =>
      rule.zod(z).superRefine((value, context) => {
        for (const problem of problems(value as z.output<Schema>)) {
          context.addIssue({
            code: "custom",
            path: [...problem.path],
            message: problem.message,
            input: problem.path.reduce<unknown>(
              (inner, segment) =>
                (inner as Record<string | number, unknown> | undefined)?.[segment],
              value,
            ),
          });
        }
      }) as Schema,
  };
}

/** The zod schemas of a set of rules, by the same names. */
export function schemasOf<Rules extends Record<string, OptionRule>>(
  set: Rules,
  z: Zod,
): { [K in keyof Rules]: SchemaOf<Rules[K]> } {
  const schemas: Record<string, z.ZodType> = {};
  for (const [name, rule] of Object.entries(set)) schemas[name] = rule.zod(z);
  return schemas as { [K in keyof Rules]: SchemaOf<Rules[K]> };
}

/**
 * The combinators options rules are made of. Each makes a plain test and the zod schema
 * that says the same thing.
 * @example
 * const retry = rules.union(
 *   [count, rules.object({ maxAttempts: rules.optional(count) }, "expected { maxAttempts }")],
 *   "expected a number of attempts or { maxAttempts }",
 * );
 */
export const rules = {
  number,
  string,
  boolean,
  literal,
  oneOf,
  custom,
  fn,
  instanceOf,
  withMethods,
  anything,
  optional,
  array,
  record,
  object,
  union,
  refine,
};
