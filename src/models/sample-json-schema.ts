/**
 * Builds a value that is valid for a JSON schema, deterministically. The simulated
 * model uses it for tool arguments and structured output, so demos run offline and
 * still pass the schema checks the AI SDK applies to real model output.
 */

type Schema = Record<string, unknown>;

export interface SampleJsonSchemaOptions {
  /** Text the values should be drawn from (the user's request), when it fits the field. */
  text: string;
  /** Picks between equally valid choices; same random -> same value. */
  random: () => number;
}

const FREE_TEXT_FIELDS =
  /^(query|q|question|prompt|input|text|message|content|task|topic|request|search|searchterm|keywords?|subject|description|summary|instructions?|body|title|answer|goal)$/i;

const STOP_WORDS = new Set(
  "a an and are as at be by for from has have how i in is it its me my of on or our please tell that the this to us was we what when where which who why will with you your about into can could would should do does did".split(
    " ",
  ),
);

/** The words of `text` worth reusing as values, most distinctive first kept in order. */
export function keywordsOf(text: string): string[] {
  const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
  return words.filter((word) => !STOP_WORDS.has(word.toLowerCase()) && word.length > 1);
}

export function sampleJsonSchema(schema: unknown, options: SampleJsonSchemaOptions): unknown {
  const root = isSchema(schema) ? schema : {};
  const identifiers = { used: new Set<string>(), counts: new Map<string, number>() };
  return sample(root, {
    ...options,
    root,
    depth: 0,
    field: undefined,
    list: undefined,
    identifiers,
  });
}

/**
 * How many values of a value for `schema` would have to be made up rather than taken from
 * the request or the schema: required strings that are not free text (`query`, `goal`, ...),
 * not the id or name of a list entry, and not given by `enum`, `const` or `format`. The
 * simulated model prefers the tool with fewer, so it does not invent names that must refer
 * to something (an agent to hand a task to) when another tool fits as well.
 */
export function madeUpValues(schema: unknown): number {
  const root = isSchema(schema) ? schema : {};
  const context: Context = {
    text: "",
    random: () => 0,
    root,
    depth: 0,
    field: undefined,
    list: undefined,
    identifiers: { used: new Set(), counts: new Map() },
  };
  const count = (
    input: Schema,
    field: string | undefined,
    list: string | undefined,
    depth: number,
  ): number => {
    if (depth > 8) return 0;
    const node = mergeAllOf(resolveRef(input, context), context);
    if (
      "const" in node ||
      Array.isArray(node.enum) ||
      node.format !== undefined ||
      "default" in node
    )
      return 0;
    switch (typeOf(node)) {
      case "object": {
        const properties = isSchema(node.properties) ? node.properties : {};
        const required = Array.isArray(node.required) ? node.required.map(String) : [];
        return required.reduce(
          (sum, name) =>
            sum +
            (isSchema(properties[name])
              ? count(properties[name] as Schema, name, list, depth + 1)
              : 0),
          0,
        );
      }
      case "array": {
        const minItems = typeof node.minItems === "number" ? node.minItems : 0;
        return minItems > 0 && isSchema(node.items)
          ? count(node.items, field, field ?? list, depth + 1)
          : 0;
      }
      case "string": {
        const name = (field ?? "").replace(/[_-]/g, "");
        const given =
          FREE_TEXT_FIELDS.test(name) || (list !== undefined && IDENTIFIER_FIELDS.test(name));
        return given ? 0 : 1;
      }
      default:
        return 0;
    }
  };
  return count(root, undefined, undefined, 0);
}

interface Context extends SampleJsonSchemaOptions {
  root: Schema;
  depth: number;
  field: string | undefined;
  /** The field of the nearest array the value is inside (`agents`, `tasks`). */
  list: string | undefined;
  /** Identifiers given so far in this value, and how many each list has had. */
  identifiers: { used: Set<string>; counts: Map<string, number> };
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolveRef(schema: Schema, context: Context): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#")) return schema;
  let target: unknown = context.root;
  for (const segment of ref.slice(1).split("/").filter(Boolean)) {
    const key = decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~");
    target = isSchema(target) ? target[key] : undefined;
  }
  return isSchema(target) ? target : {};
}

function mergeAllOf(schema: Schema, context: Context): Schema {
  const parts = schema.allOf;
  if (!Array.isArray(parts)) return schema;
  const merged: Schema = { ...schema };
  delete merged.allOf;
  const properties: Schema = { ...(isSchema(schema.properties) ? schema.properties : {}) };
  const required = new Set<string>(Array.isArray(schema.required) ? schema.required : []);
  for (const part of parts) {
    if (!isSchema(part)) continue;
    const resolved = mergeAllOf(resolveRef(part, context), context);
    for (const [key, value] of Object.entries(resolved)) {
      if (key === "properties" && isSchema(value)) Object.assign(properties, value);
      else if (key === "required" && Array.isArray(value))
        for (const name of value) required.add(String(name));
      else if (!(key in merged)) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) {
    const concrete = type.filter((entry) => entry !== "null");
    return String(concrete[0] ?? type[0]);
  }
  if (isSchema(schema.properties)) return "object";
  if (schema.items !== undefined) return "array";
  return undefined;
}

function sample(input: Schema, context: Context): unknown {
  const schema = mergeAllOf(resolveRef(input, context), context);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum[Math.floor(context.random() * schema.enum.length)];
  }
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ("default" in schema) return schema.default;
  const variants = Array.isArray(schema.anyOf) ? schema.anyOf : schema.oneOf;
  if (Array.isArray(variants) && variants.length > 0) {
    const nonNull = variants.filter((variant) => !(isSchema(variant) && variant.type === "null"));
    const chosen = nonNull[0] ?? variants[0];
    return sample(
      { ...schema, anyOf: undefined, oneOf: undefined, ...(chosen as Schema) },
      context,
    );
  }
  switch (typeOf(schema)) {
    case "object":
      return sampleObject(schema, context);
    case "array":
      return sampleArray(schema, context);
    case "string":
      return sampleString(schema, context);
    case "integer":
      return sampleNumber(schema, context, true);
    case "number":
      return sampleNumber(schema, context, false);
    case "boolean":
      return context.random() < 0.5;
    case "null":
      return null;
    default:
      return sampleString(schema, context);
  }
}

function sampleObject(schema: Schema, context: Context): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const result: Record<string, unknown> = {};
  // Optional fields are filled near the top, left out deeper down, so nesting stays finite.
  const fillOptional = context.depth < 3;
  for (const [name, property] of Object.entries(properties)) {
    if (!required.has(name) && !fillOptional) continue;
    const child = isSchema(property) ? property : {};
    result[name] = sample(child, { ...context, depth: context.depth + 1, field: name });
  }
  const minProperties = typeof schema.minProperties === "number" ? schema.minProperties : 0;
  const extra = isSchema(schema.additionalProperties) ? schema.additionalProperties : {};
  for (let index = Object.keys(result).length; index < minProperties; index++) {
    const name = `key${index + 1}`;
    result[name] = sample(extra, { ...context, depth: context.depth + 1, field: name });
  }
  return result;
}

function sampleArray(schema: Schema, context: Context): unknown[] {
  const minItems = typeof schema.minItems === "number" ? schema.minItems : 0;
  const maxItems = typeof schema.maxItems === "number" ? schema.maxItems : Number.POSITIVE_INFINITY;
  // Tuples: `prefixItems` (2020-12) or an `items` array (draft-07, what the AI SDK sends).
  const prefix = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : [];
  const wanted = context.depth < 3 ? 2 : 0;
  const closed = prefix.length > 0 && (schema.items === false || schema.additionalItems === false);
  const limit = closed ? Math.min(maxItems, prefix.length) : maxItems;
  const count = Math.min(Math.max(minItems, prefix.length, wanted), limit);
  const items = isSchema(schema.items) ? schema.items : {};
  const result: unknown[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < count; index++) {
    const itemSchema = isSchema(prefix[index]) ? (prefix[index] as Schema) : items;
    const childContext = {
      ...context,
      depth: context.depth + 1,
      field: context.field,
      list: context.field ?? context.list,
    };
    let value = sample(itemSchema, childContext);
    // uniqueItems: retry a few draws; a schema with too few distinct values stops short.
    for (let attempt = 0; schema.uniqueItems === true && attempt < 8; attempt++) {
      if (!seen.has(JSON.stringify(value))) break;
      value = sample(itemSchema, { ...childContext, field: `${context.field ?? "item"}${index}` });
    }
    if (schema.uniqueItems === true && seen.has(JSON.stringify(value)) && index >= minItems) break;
    seen.add(JSON.stringify(value));
    result.push(value);
  }
  return result;
}

const finite = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

function sampleNumber(schema: Schema, context: Context, integer: boolean): number {
  let low = finite(schema.minimum);
  let high = finite(schema.maximum);
  let lowOpen = false;
  let highOpen = false;
  const exclusiveLow = finite(schema.exclusiveMinimum);
  const exclusiveHigh = finite(schema.exclusiveMaximum);
  if (exclusiveLow !== undefined && (low === undefined || exclusiveLow >= low)) {
    low = exclusiveLow;
    lowOpen = true;
  }
  if (exclusiveHigh !== undefined && (high === undefined || exclusiveHigh <= high)) {
    high = exclusiveHigh;
    highOpen = true;
  }
  if (integer) {
    // Integer bounds become inclusive integers.
    if (low !== undefined) low = lowOpen ? Math.floor(low) + 1 : Math.ceil(low);
    if (high !== undefined) high = highOpen ? Math.ceil(high) - 1 : Math.floor(high);
    lowOpen = false;
    highOpen = false;
  }
  const step = finite(schema.multipleOf) ?? 0;
  const fits = (value: number) =>
    (low === undefined || (lowOpen ? value > low : value >= low)) &&
    (high === undefined || (highOpen ? value < high : value <= high)) &&
    (!integer || Number.isInteger(value)) &&
    (step <= 0 || Number.isInteger(Number((value / step).toFixed(9))));

  for (const match of context.text.match(/-?\d+(\.\d+)?/g) ?? [])
    if (fits(Number(match))) return Number(match);

  const random = context.random();
  let value: number;
  if (low !== undefined && high !== undefined && high - low <= 1000) {
    value = low + (high - low) * (lowOpen || highOpen ? 0.1 + 0.8 * random : random);
  } else {
    value = 1 + Math.floor(random * 9);
    if (!fits(value) && low !== undefined && value <= low) value = low + 1 + Math.floor(random * 9);
    else if (!fits(value) && high !== undefined && value >= high)
      value = high - 1 - Math.floor(random * 9);
  }
  if (integer) {
    value = Math.round(value);
    if (low !== undefined && value < low) value = low;
    if (high !== undefined && value > high) value = high;
  }
  if (step > 0) {
    const first = low === undefined ? 0 : Math.ceil(low / step) * step;
    value = Math.floor(value / step) * step;
    if (!fits(value)) value = fits(first) ? first : first + step;
  }
  return value;
}

function sampleString(schema: Schema, context: Context): string {
  const formatted = sampleFormat(schema.format, context);
  const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : 200;
  let value = formatted ?? identifierFor(context) ?? textFor(context);
  if (value.length > maxLength) {
    const cut = value.slice(0, maxLength);
    const lastSpace = cut.lastIndexOf(" ");
    value = lastSpace > 0 ? cut.slice(0, lastSpace) : cut;
  }
  while (value.length < minLength) value += value.length === 0 ? "x" : ` ${value}`;
  return value.slice(0, Math.max(minLength, Math.min(value.length, maxLength)));
}

/** Fields that name an entry of a list, which other fields may refer to. */
const IDENTIFIER_FIELDS = /^(id|name|key)$/i;

/**
 * The id or name of an entry of a list (`agents[1].name`, `tasks[0].id`): a slug, unique in
 * the whole value, from the text's words in turn and the list's name (`tidal-agent`,
 * `wave-task`), so that references stay unambiguous and the entries tell apart. `undefined`
 * for other fields.
 */
function identifierFor(context: Context): string | undefined {
  const { field, list, identifiers } = context;
  if (!field || !list || !IDENTIFIER_FIELDS.test(field)) return undefined;
  const kind = slug(list).replace(/s$/, "") || "item";
  // Words of the text, less labels ("Goal:"), in order, as slugs.
  const words = [
    ...new Set(keywordsOf(context.text.replace(/[\p{L}\p{N}'-]+:/gu, " ")).map(slug)),
  ].filter((word) => /^[a-z]/.test(word));
  const count = identifiers.counts.get(list) ?? 0;
  identifiers.counts.set(list, count + 1);
  const base = words.length > 0 ? `${words[count % words.length]}-${kind}` : `${kind}-${count + 1}`;
  let value = base;
  for (let suffix = 2; identifiers.used.has(value); suffix++) value = `${base}-${suffix}`;
  identifiers.used.add(value);
  return value;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function textFor(context: Context): string {
  const text = context.text.trim().replace(/\s+/g, " ");
  const field = context.field ?? "";
  if (FREE_TEXT_FIELDS.test(field.replace(/[_-]/g, "")) && text.length > 0) return text;
  const keywords = keywordsOf(text);
  if (keywords.length === 0) return field ? `sample ${field}` : "sample";
  // Names (capitalised words past the first) make the most natural short values: "Paris".
  const names = keywords.filter((word, index) => index > 0 && /^\p{Lu}/u.test(word));
  const candidates = names.length > 0 ? names : keywords;
  return candidates[Math.floor(context.random() * candidates.length)] as string;
}

function sampleFormat(format: unknown, context: Context): string | undefined {
  const day = 1 + Math.floor(context.random() * 28);
  const date = `2025-01-${String(day).padStart(2, "0")}`;
  switch (format) {
    case "date-time":
      return `${date}T12:00:00Z`;
    case "date":
      return date;
    case "time":
      return "12:00:00Z";
    case "email":
      return "someone@example.com";
    case "uri":
    case "url":
      return "https://example.com/";
    case "uuid": {
      const hex = Array.from({ length: 32 }, () =>
        Math.floor(context.random() * 16).toString(16),
      ).join("");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
    }
    case "ipv4":
      return "192.0.2.1";
    case "hostname":
      return "example.com";
    default:
      return undefined;
  }
}
