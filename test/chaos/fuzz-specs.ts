/**
 * Random and mutated workflow specs, thrown at the spec reader: each must come back as a
 * spec (which then builds and compiles) or as a `SpecError`, never as any other
 * exception. `fuzzSpecs` counts the outcomes and the cases slower than `slowMs`, so a
 * chaos run can throw 10,000 of them; the test suite throws a few hundred.
 *
 * @example
 * const report = fuzzSpecs({ count: 10_000, seed: 42 });
 * console.log(report.others.length, report.slow.length);
 */
import fc from "fast-check";
import { stringify } from "yaml";
import { BatonError } from "../../src/core/errors/baton-error.js";
import { buildWorkflow, parseSpec, SpecError } from "../../src/spec/index.js";

export interface FuzzSpecsOptions {
  /** Specs to try. @default 300 */
  count?: number;
  /** The random seed: the same seed gives the same specs. @default 1 */
  seed?: number;
  /**
   * A case that takes longer than this (parse, build and compile) is listed in `slow`
   * (wall-clock time) and counted in `slowCpu` (this process's CPU time).
   * @default 2000
   */
  slowMs?: number;
}

/** One case that did not end as it should, with the text that made it. */
export interface FuzzFinding {
  format: "yaml" | "json";
  /** The spec's text (its first 2,000 characters). */
  text: string;
  /** How many characters the text had. */
  length: number;
  /** The exception's name and message (for `others`). */
  error?: string;
  ms: number;
  /** CPU time the process spent on the case (on a busy machine, wall-clock time says little). */
  cpuMs: number;
}

export interface FuzzReport {
  count: number;
  seed: number;
  /** Specs that parsed, built and compiled. */
  valid: number;
  /** Specs refused with a `SpecError`. */
  specErrors: number;
  /** Cases that threw anything else; a `BatonError` other than `SpecError` is counted here too. */
  others: FuzzFinding[];
  /** How many of `others` were not even a `BatonError` (a raw TypeError, RangeError, ...). */
  nonBatonErrors: number;
  /** Cases slower than `slowMs` in wall-clock time. */
  slow: FuzzFinding[];
  /** Cases that took more than `slowMs` of CPU time. */
  slowCpu: number;
  /** The slowest case's wall-clock time. */
  maxMs: number;
  /** The most CPU time a case took. */
  maxCpuMs: number;
}

interface FuzzCase {
  text: string;
  format: "yaml" | "json";
}

/** Throws `count` random and mutated specs at `parseSpec` and `buildWorkflow`, and counts. */
export function fuzzSpecs({
  count = 300,
  seed = 1,
  slowMs = 2000,
}: FuzzSpecsOptions = {}): FuzzReport {
  const report: FuzzReport = {
    count,
    seed,
    valid: 0,
    specErrors: 0,
    others: [],
    nonBatonErrors: 0,
    slow: [],
    slowCpu: 0,
    maxMs: 0,
    maxCpuMs: 0,
  };
  // In batches, so 10,000 cases never sit in memory at once.
  const batch = 250;
  for (let done = 0; done < count; done += batch) {
    const cases = fc.sample(fuzzCase(), {
      numRuns: Math.min(batch, count - done),
      seed: seed + done,
    });
    for (const item of cases) record(report, item, slowMs);
  }
  return report;
}

function record(report: FuzzReport, item: FuzzCase, slowMs: number): void {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let error: unknown;
  try {
    const spec = parseSpec(item.text, { format: item.format });
    buildWorkflow(spec, { env: {} }).graph();
  } catch (caught) {
    error = caught;
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  report.maxMs = Math.max(report.maxMs, ms);
  report.maxCpuMs = Math.max(report.maxCpuMs, cpuMs);
  const finding = (): FuzzFinding => ({
    format: item.format,
    text: item.text.slice(0, 2000),
    length: item.text.length,
    ...(error !== undefined ? { error: describe(error) } : {}),
    ms,
    cpuMs,
  });
  if (error === undefined) report.valid++;
  else if (SpecError.isInstance(error)) report.specErrors++;
  else {
    report.others.push(finding());
    if (!BatonError.isInstance(error)) report.nonBatonErrors++;
  }
  if (ms > slowMs) report.slow.push(finding());
  if (cpuMs > slowMs) report.slowCpu++;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 500)}` : String(error);
}

// ---- What specs are made of: mostly plausible, often a little wrong. ----

/** One of `values` three times in four, else anything `other` makes. */
function mostly<T>(values: T[], other: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...values) },
    { weight: 1, arbitrary: other },
  );
}

const stepIds = ["facts", "draft", "review", "s1", "s-2", "x_3"];
const name = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...stepIds, "writer", "researcher") },
  { weight: 1, arbitrary: fc.constantFrom("", "__proto__", "constructor", "a b", "1x", "ü") },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const model = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("simulated:writer", "simulated:researcher") },
  {
    weight: 1,
    arbitrary: fc.constantFrom("openai:gpt-4o-mini", "opnai:x", "gpt-4o", "local:q", ""),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const template = mostly(
  [
    "Write about {{ input.topic }}",
    "{{ steps.facts.text }}",
    "{{steps.draft.output.items[0].title}} and {{ steps.review.text.length }}",
    "{{ steps.facts }}",
    "{{ steps.x_3.output }}",
    "{{",
    "{{ steps. }}",
    "{{ env.HOME }}",
    "}} {{ input.nope }}",
  ],
  fc.string({ maxLength: 30 }),
);
const condition = mostly(
  [
    "steps.review.output.approved == true",
    "input.topic == 'tides' and not (steps.facts.text contains 'x')",
    "iteration >= 2 || output.done",
    "text contains 'DONE'",
    "((steps.facts.text",
    "a = b",
    "{{ input.depth > 3 }}",
    `${"(".repeat(70)}true${")".repeat(70)}`,
    Array.from({ length: 500 }, () => "true").join(" and "),
  ],
  fc.oneof(fc.boolean(), fc.string({ maxLength: 20 })),
);
const ids = fc.oneof(name, fc.array(name, { maxLength: 4 }));
const step = fc.record(
  {
    id: name,
    agent: name,
    description: fc.string({ maxLength: 10 }),
    dependsOn: ids,
    input: fc.oneof(
      template,
      fc.dictionary(name, template, { maxKeys: 3 }),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    when: condition,
    route: fc.array(fc.record({ when: condition, to: ids }, { requiredKeys: ["to"] }), {
      maxLength: 3,
    }),
    loop: fc.record({ until: condition, maxIterations: fc.integer({ min: -1, max: 5 }) }),
    quorum: fc.integer({ min: 0, max: 5 }),
    approval: fc.oneof(fc.boolean(), fc.record({ message: template })),
    priority: fc.oneof(fc.integer(), fc.double()),
    estimatedMs: fc.integer({ min: -5, max: 5000 }),
    retry: fc.oneof(
      fc.integer({ min: -1, max: 5 }),
      fc.record(
        { maxAttempts: fc.integer({ min: 0, max: 3 }), jitter: fc.double() },
        { requiredKeys: [] },
      ),
    ),
    timeout: fc.integer({ min: -1, max: 10_000 }),
    fallbackModels: fc.array(model, { maxLength: 2 }),
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ["id", "agent"] },
);
const agentSpec = fc.record(
  {
    model,
    instructions: fc.string({ maxLength: 20 }),
    tools: fc.array(name, { maxLength: 2 }),
    maxSteps: fc.integer({ min: 0, max: 5 }),
    output: fc.oneof(
      fc.constant({ type: "object", properties: { ok: { type: "boolean" } } }),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    fallbackModels: fc.array(model, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const specData = fc.record(
  {
    version: fc.constantFrom(1, 2, "1"),
    name: fc.oneof(fc.constant("fuzz"), fc.string({ maxLength: 10 })),
    description: fc.string({ maxLength: 10 }),
    defaults: fc.record(
      { model, retry: fc.integer({ min: 0, max: 3 }), maxSteps: fc.integer({ min: 0, max: 3 }) },
      { requiredKeys: [] },
    ),
    providers: fc.dictionary(
      name,
      fc.record(
        {
          type: fc.constantFrom("openai-compatible", "openai", "nope"),
          baseURL: fc.constantFrom("http://127.0.0.1:1/v1", "not a url"),
          apiKeyEnv: fc.constantFrom("KEY", "1bad"),
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 2 },
    ),
    agents: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constant({
          writer: { model: "simulated:writer" },
          researcher: { model: "simulated:researcher" },
        }),
      },
      { weight: 2, arbitrary: fc.dictionary(name, agentSpec, { maxKeys: 3 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    ),
    inputs: fc.dictionary(
      name,
      fc.record(
        {
          type: fc.constantFrom(
            "string",
            "number",
            "integer",
            "boolean",
            "object",
            "array",
            "date",
          ),
          default: fc.jsonValue({ maxDepth: 2 }),
          enum: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
          required: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 3 },
    ),
    steps: fc.oneof(
      { weight: 6, arbitrary: fc.array(step, { maxLength: 8 }) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 1500 }).map(chainSteps) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    ),
    output: fc.oneof(template, fc.jsonValue({ maxDepth: 3 })),
    failureMode: fc.constantFrom("fail-fast", "continue", "maybe"),
    concurrency: fc.integer({ min: -1, max: 8 }),
    budget: fc.oneof(
      fc.record(
        {
          maxCents: fc.integer({ min: -1, max: 100 }),
          perAgent: fc.dictionary(name, fc.record({ maxTokens: fc.integer() }), { maxKeys: 2 }),
          onExceeded: fc.oneof(
            fc.constantFrom("stop", "pause", "explode"),
            fc.record({ switchTo: model }),
          ),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    limits: fc.dictionary(
      fc.string({ maxLength: 10 }),
      fc.record({ concurrency: fc.integer({ min: 0, max: 3 }) }),
      { maxKeys: 2 },
    ),
    circuitBreaker: fc.oneof(
      fc.constant(false),
      fc.record({ failureThreshold: fc.integer({ min: 0, max: 3 }) }),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
  { requiredKeys: ["name", "agents", "steps"] },
);

/** A valid spec: up to 30 steps, each depending on earlier ones and reading them, in some order. */
const validSpec = fc
  .array(
    fc.record({
      dependencies: fc.uniqueArray(fc.nat(40), { maxLength: 3 }),
      reads: fc.boolean(),
      when: fc.boolean(),
      loop: fc.boolean(),
      approval: fc.boolean(),
    }),
    { minLength: 1, maxLength: 30 },
  )
  .chain((shapes) =>
    fc.record({
      shapes: fc.constant(shapes),
      reversed: fc.boolean(),
    }),
  )
  .map(({ shapes, reversed }) => {
    const steps = shapes.map((shape, index) => {
      const dependsOn = [...new Set(shape.dependencies.filter((at) => at < index))].map(
        (at) => `s${at}`,
      );
      const first = dependsOn[0];
      return {
        id: `s${index}`,
        agent: index % 2 === 0 ? "writer" : "researcher",
        ...(dependsOn.length > 0 ? { dependsOn } : {}),
        input:
          shape.reads && first ? `Go on from {{ steps.${first}.text }}` : "About {{ input.topic }}",
        ...(shape.when && first
          ? { when: `steps.${first}.text contains 'a' or input.topic == 'tides'` }
          : {}),
        ...(shape.loop
          ? { loop: { until: "iteration >= 2 or text contains 'done'", maxIterations: 3 } }
          : {}),
        ...(shape.approval ? { approval: { message: "Go ahead with {{ input.topic }}?" } } : {}),
      };
    });
    return {
      name: "valid",
      agents: {
        writer: { model: "simulated:writer" },
        researcher: { model: "simulated:researcher", retry: 2 },
      },
      inputs: { topic: { type: "string", default: "tides" } },
      steps: reversed ? steps.reverse() : steps,
    };
  });

/** `count` steps in a chain, listed dependents first, each reading the one before. */
function chainSteps(count: number): unknown[] {
  return Array.from({ length: count }, (_, position) => {
    const index = count - 1 - position;
    return {
      id: `s${index}`,
      agent: "writer",
      ...(index > 0
        ? { dependsOn: [`s${index - 1}`], input: `{{ steps.s${index - 1}.text }}` }
        : {}),
    };
  });
}

/** Text that attacks a reader: deep nesting, alias bombs and loops, odd tags, control characters. */
const attack = fc.oneof(
  fc.integer({ min: 100, max: 20_000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
  fc
    .integer({ min: 100, max: 3000 })
    .map((depth) =>
      Array.from({ length: depth }, (_, level) => `${" ".repeat(level + 1)}k:`).join("\n"),
    ),
  fc.integer({ min: 100, max: 3000 }).map((depth) => `${"- ".repeat(depth)}x`),
  fc.integer({ min: 2, max: 12 }).map((levels) => {
    const lines = ["l0: &l0 [a, a, a, a, a, a, a, a, a, a]"];
    for (let level = 1; level < levels; level++)
      lines.push(
        `l${level}: &l${level} [${Array.from({ length: 10 }, () => `*l${level - 1}`).join(", ")}]`,
      );
    return lines.join("\n");
  }),
  fc.constantFrom(
    "*nowhere",
    "&loop [*loop]",
    "&m { a: *m }",
    "<<: *defaults",
    "%YAML 1.1\n---\n",
    "!!binary aGVsbG8=",
    "!!set { a, b }",
    "!!omap [ a: 1 ]",
    "!custom x",
    "---\nname: second",
    "? [complex, key]\n: value",
    "\u0000\u0001\u001b",
    "\uFEFF",
    "\t",
    '"\\u00',
    "{ a: 1, a: 2 }",
  ),
);

interface Edit {
  at: number;
  kind: string;
  length: number;
  text: string;
}

const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("insert", "insert-line", "delete", "duplicate", "flip", "truncate"),
  length: fc.integer({ min: 1, max: 40 }),
  text: fc.oneof(
    { weight: 2, arbitrary: attack },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  ),
});

function applyEdit(text: string, change: Edit): string {
  const at = change.at % (text.length + 1);
  switch (change.kind) {
    case "insert":
      return text.slice(0, at) + change.text + text.slice(at);
    case "insert-line": {
      const lineStart = text.lastIndexOf("\n", at) + 1;
      return `${text.slice(0, lineStart)}${change.text}\n${text.slice(lineStart)}`;
    }
    case "delete":
      return text.slice(0, at) + text.slice(at + change.length);
    case "duplicate":
      return (
        text.slice(0, at + change.length) +
        text.slice(at, at + change.length) +
        text.slice(at + change.length)
      );
    case "flip":
      return (
        text.slice(0, at) +
        String.fromCharCode((text.charCodeAt(at) || 32) ^ 0x20) +
        text.slice(at + 1)
      );
    default:
      return text.slice(0, at);
  }
}

/** `data` as YAML or JSON text, edited as `edits` says. */
function written(data: fc.Arbitrary<unknown>, edits: fc.Arbitrary<Edit[]>): fc.Arbitrary<FuzzCase> {
  return fc
    .record({ data, format: fc.constantFrom("yaml" as const, "json" as const), edits })
    .map(({ data: value, format, edits: changes }) => ({
      format,
      text: changes.reduce(
        applyEdit,
        format === "json" ? JSON.stringify(value, null, 1) : stringify(value),
      ),
    }));
}

function fuzzCase(): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    // A valid spec, now and then edited once.
    {
      weight: 4,
      arbitrary: written(
        validSpec,
        fc.oneof(fc.constant<Edit[]>([]), fc.array(edit, { maxLength: 1 })),
      ),
    },
    // A spec of anything plausible, edited a few times.
    { weight: 4, arbitrary: written(specData, fc.array(edit, { maxLength: 3 })) },
    // An attack as the value of a key, where a real spec would have one.
    {
      weight: 2,
      arbitrary: fc
        .record({ attack, key: fc.constantFrom("output", "description", "extra") })
        .map(({ attack: text, key }) => ({
          format: "yaml" as const,
          text: `name: fuzz\nagents: { writer: { model: "simulated:writer" } }\nsteps: [{ id: a, agent: writer }]\n${key}: ${text.includes("\n") ? `\n${text}` : text}\n`,
        })),
    },
    // Anything at all.
    {
      weight: 1,
      arbitrary: fc.record({
        text: fc.string({ unit: "binary", maxLength: 200 }),
        format: fc.constantFrom("yaml" as const, "json" as const),
      }),
    },
  );
}
