import { z } from "zod";
import type { OptionRule } from "../options/option-rule.js";
import { CircuitBreakers } from "../policies/circuit-breakers.js";
import { ModelLimiters } from "../policies/model-limiters.js";

/** A seeded generator of numbers in [0, 1) (a linear congruential one: tests replay). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const numbers = [-1, 0, 0.5, 1, 1.5, 2, 3, 20, 59, 60, 61, 100, Infinity, -Infinity, Number.NaN];
const strings = ["", "a", "a b", "openai:gpt-4o", "gpt-4o", "x:y", "stop", "pause", "_x-1", "1x"];
const oddities: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -1,
  "x",
  [],
  {},
  () => "",
  new Date(0),
  new Map(),
  new ModelLimiters(),
  new CircuitBreakers(),
  { now: () => 0, sleep: async () => {} },
];

type Definition = Record<string, unknown> & { type: string };
const definition = (schema: z.core.$ZodType) => schema._zod.def as unknown as Definition;

/**
 * A value that mostly follows `schema`, now and then broken (a wrong type, a missing or
 * unknown key, a value out of range), so that both verdicts come up often.
 */
function sample(schema: z.core.$ZodType, random: () => number, depth = 0): unknown {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  if (random() < 0.08 || depth > 6) return pick(oddities);
  const def = definition(schema);
  const inner = (child: unknown) => sample(child as z.core.$ZodType, random, depth + 1);
  switch (def.type) {
    case "optional":
      return random() < 0.3 ? undefined : inner(def.innerType);
    case "number":
      return pick(numbers);
    case "string":
      return pick(strings);
    case "boolean":
      return random() < 0.5;
    case "literal":
      return pick(def.values as unknown[]);
    case "enum":
      return pick(Object.values(def.entries as object));
    case "union":
      return inner(pick(def.options as unknown[]));
    case "array":
      return Array.from({ length: Math.floor(random() * 3) }, () => inner(def.element));
    case "record":
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 3) }, () => [
          pick(["a", "openai:gpt-4o", "bad name"]),
          inner(def.valueType),
        ]),
      );
    case "object": {
      const value: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(def.shape as object)) {
        if (random() < 0.7) value[key] = inner(child);
      }
      if (random() < 0.1) value[pick(["unknown", "maxAtempts", "retries"])] = 1;
      return value;
    }
    default:
      return pick(oddities);
  }
}

/**
 * Values on which `rule.test` and `rule.zod` disagree, out of `count` samples drawn from
 * the rule's own schema (and some of `extra`): none, when the rule's two forms say the
 * same thing.
 */
export function disagreements(
  rule: OptionRule,
  { count = 2000, seed = 1, extra = [] }: { count?: number; seed?: number; extra?: unknown[] } = {},
): Array<{ value: unknown; test: boolean; zod: boolean }> {
  const schema = rule.zod(z);
  const random = seeded(seed);
  const values = [
    ...oddities,
    ...extra,
    ...Array.from({ length: count }, () => sample(schema, random)),
  ];
  return values
    .map((value) => ({ value, test: rule.test(value), zod: schema.safeParse(value).success }))
    .filter((verdict) => verdict.test !== verdict.zod);
}

/** How often a rule accepts its samples (a sampler that never makes a valid value tests little). */
export function acceptedShare(rule: OptionRule, { count = 500, seed = 2 } = {}): number {
  const schema = rule.zod(z);
  const random = seeded(seed);
  let accepted = 0;
  for (let index = 0; index < count; index++) {
    if (rule.test(sample(schema, random))) accepted++;
  }
  return accepted / count;
}
