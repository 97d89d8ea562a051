import { describe, expect, it } from "vitest";
import { z } from "zod";
import { keywordsOf, madeUpValues, sampleJsonSchema } from "./sample-json-schema.js";

function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

const Address = z.object({ street: z.string(), city: z.string(), zip: z.string().length(5) });

const schemas: Record<string, z.ZodType> = {
  flat: z.object({ query: z.string(), limit: z.number().int().min(1).max(50), safe: z.boolean() }),
  enums: z.object({ level: z.enum(["low", "mid", "high"]), kind: z.literal("report") }),
  bounds: z.object({
    ratio: z.number().gt(0).lt(1),
    count: z.number().int().positive(),
    negative: z.number().int().max(-3),
    step: z.number().multipleOf(5).min(12).max(40),
  }),
  strings: z.object({
    short: z.string().min(4).max(6),
    when: z.iso.datetime(),
    day: z.iso.date(),
    id: z.uuid(),
    site: z.url(),
    mail: z.email(),
  }),
  nested: z.object({
    owner: z.object({ name: z.string(), address: Address, tags: z.array(z.string()).max(1) }),
    points: z.array(z.object({ x: z.number(), y: z.number() })).min(3),
    pair: z.tuple([z.string(), z.number()]),
  }),
  optionalAndNullable: z.object({
    maybe: z.string().optional(),
    nothing: z.string().nullable(),
    either: z.union([z.number(), z.string()]),
  }),
  record: z.record(z.string(), z.number()),
  topLevelArray: z
    .array(z.enum(["a", "b"]))
    .min(1)
    .max(3),
  unique: z.object({ picks: z.array(z.enum(["x", "y", "z"])).min(2) }),
};

const recursive: z.ZodType = z.lazy(() =>
  z.object({ label: z.string(), children: z.array(recursive) }),
);

describe("sampleJsonSchema", () => {
  for (const [name, schema] of Object.entries(schemas)) {
    for (const target of ["draft-2020-12", "draft-07"] as const) {
      it(`generates values valid for the ${name} schema (${target})`, () => {
        const jsonSchema = z.toJSONSchema(schema, { target });
        for (let seed = 1; seed <= 20; seed++) {
          const value = sampleJsonSchema(jsonSchema, {
            text: "Compare hotels in Lisbon for 3 nights",
            random: seeded(seed),
          });
          const parsed = schema.safeParse(value);
          expect(parsed.success, `${JSON.stringify(value)} ${parsed.error?.message}`).toBe(true);
        }
      });
    }
  }

  it("follows $ref definitions, including recursive ones, and stops nesting", () => {
    const jsonSchema = z.toJSONSchema(recursive, { target: "draft-07" });
    const value = sampleJsonSchema(jsonSchema, { text: "tree", random: seeded(3) });
    expect(recursive.safeParse(value).success).toBe(true);
  });

  it("is deterministic for the same random sequence", () => {
    const jsonSchema = z.toJSONSchema(schemas.nested as z.ZodType);
    const options = () => ({ text: "Plan a trip to Kyoto", random: seeded(9) });
    expect(sampleJsonSchema(jsonSchema, options())).toEqual(
      sampleJsonSchema(jsonSchema, options()),
    );
  });

  it("puts the whole request into free-text fields and names into short ones", () => {
    const value = sampleJsonSchema(
      z.toJSONSchema(z.object({ query: z.string(), city: z.string() })),
      { text: "Weather in Paris tomorrow", random: seeded(1) },
    );
    expect(value).toEqual({ query: "Weather in Paris tomorrow", city: "Paris" });
  });

  it("takes numbers from the request when they fit", () => {
    const value = sampleJsonSchema(z.toJSONSchema(z.object({ nights: z.number().int() })), {
      text: "Book 3 nights",
      random: seeded(1),
    });
    expect(value).toEqual({ nights: 3 });
  });

  it("gives the entries of lists unique slug ids and names, across the whole value", () => {
    const team = z.object({
      agents: z
        .array(
          z.object({
            name: z.string(),
            tasks: z.array(z.object({ id: z.string(), description: z.string() })).min(1),
          }),
        )
        .min(3),
    });
    for (let seed = 1; seed <= 10; seed++) {
      const value = team.parse(
        sampleJsonSchema(z.toJSONSchema(team), {
          text: "Goal:\nCompare tidal and wave power.",
          random: seeded(seed),
        }),
      );
      const names = value.agents.map((entry) => entry.name);
      expect(names).toEqual(["compare-agent", "tidal-agent", "wave-agent"]);
      const ids = value.agents.flatMap((entry) => entry.tasks.map((task) => task.id));
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9-]*-task(-\d+)?$/);
    }
  });
});

describe("madeUpValues", () => {
  it("counts the required strings that neither the request nor the schema can give", () => {
    const count = (schema: z.ZodType) => madeUpValues(z.toJSONSchema(schema));
    expect(count(z.object({ goal: z.string() }))).toBe(0);
    expect(count(z.object({ level: z.enum(["a", "b"]), when: z.iso.date(), n: z.number() }))).toBe(
      0,
    );
    expect(count(z.object({ city: z.string(), note: z.string().optional() }))).toBe(1);
    const tasks = (agent: z.ZodType) =>
      z.object({
        tasks: z.array(z.object({ id: z.string(), agent, description: z.string() })).min(1),
      });
    expect(count(tasks(z.string()))).toBe(1);
    expect(count(tasks(z.enum(["researcher"])))).toBe(0);
  });
});

describe("keywordsOf", () => {
  it("keeps the content words of a text", () => {
    expect(keywordsOf("What is the weather in Paris?")).toEqual(["weather", "Paris"]);
  });
});
