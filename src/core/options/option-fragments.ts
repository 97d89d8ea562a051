import { CircuitBreakers } from "../policies/circuit-breakers.js";
import { ModelLimiters } from "../policies/model-limiters.js";
import { type OptionRule, type RuleProblem, rules } from "./option-rule.js";

const { number, string, literal, oneOf, union, object, optional, record, fn, instanceOf, refine } =
  rules;

/**
 * Which options a rule checks: a spec's (JSON as written: model strings, names) or a
 * program's (which may also hold functions, shared instances and `Infinity`).
 */
export type OptionsFlavour = "spec" | "code";

const RETRY_SHAPE = "{ maxAttempts, initialDelayMs, backoffFactor, maxDelayMs, jitter }";
const BREAKER_SHAPE =
  "{ failureRateThreshold, minimumCalls, windowSize, cooldownMs, halfOpenProbes }";

/**
 * The parts of options that specs and code share: names, numbers, retry policies, time
 * limits, memory, budgets, model limits and circuit breakers, with the words their
 * problems get. A spec's schema and the options of `agent()`, `flow.step()`,
 * `flow.start()` and `new Orchestrator()` are all made of these, so the rules cannot drift
 * apart; `flavour` says only what code may add (functions, instances, `Infinity`).
 */
function optionFragments(flavour: OptionsFlavour) {
  const inCode = flavour === "code";
  /** The spec's rule, or in code the one that also takes what code may give (typed as the spec's: specs use the parsed value, code only checks). */
  const either = <Rule extends OptionRule>(spec: () => Rule, code: () => OptionRule): Rule =>
    inCode ? (code() as Rule) : spec();

  const identifier = string(
    "expected a name of letters, digits, _ and - that starts with a letter or _",
    { pattern: /^[A-Za-z_][A-Za-z0-9_-]*$/ },
  );
  const text = string("expected a string");
  const nonEmpty = string("expected a non-empty string", { nonEmpty: true });
  /** `provider:model-id`; the provider is checked against known providers later. */
  const modelPattern = /^[^:\s]+:\S.*$/;
  const modelString = string('expected a model string "provider:model-id"', {
    pattern: modelPattern,
  });
  /** A model named where no model object can go (a step's fallbacks, a budget's `switchTo`). */
  const modelName = either(
    () => modelString,
    () => string("expected a model name", { nonEmpty: true }),
  );
  /** A model as an agent takes it: in code also an AI SDK model or a function. */
  const model = either(
    () => modelString,
    () =>
      rules.custom(
        (value) =>
          (typeof value === "string" && modelPattern.test(value)) ||
          typeof value === "function" ||
          (typeof value === "object" && value !== null && !Array.isArray(value)),
        'expected a model: a "provider:model-id" string, an AI SDK model or a function',
      ),
  );

  /** A clock: `now()` and `sleep()` (code only). */
  const clock = rules.withMethods(["now", "sleep"], "expected a Clock with now() and sleep()");
  /** Cancels the work when it aborts (code only). */
  const signal = instanceOf(AbortSignal, "expected an AbortSignal");
  /** Where runs are logged (code only). */
  const runStore = rules.withMethods(
    ["createRun", "append", "readLog", "getRun", "updateRun"],
    "expected a RunStore",
  );
  /** Traces runs (code only): `telemetry()` of `baton-ai/telemetry`. */
  const telemetry = rules.withMethods(
    ["observe"],
    "expected a RunTelemetry (telemetry() of baton-ai/telemetry)",
  );
  /** Makes run and task ids (code only). */
  const ids = rules.withMethods(["next"], "expected an IdGenerator with next()");

  const count = number({ integer: true, min: 1 }, "expected an integer >= 1");
  const positive = number({ gt: 0 }, "expected a number > 0");
  const nonNegative = number({ min: 0 }, "expected a number >= 0");
  const positiveMs = number({ gt: 0 }, "expected a number of ms > 0");
  /** A number that code may also give as `Infinity` ("no limit"); JSON cannot. */
  const upTo = (bounds: Parameters<typeof number>[0], expected: string) =>
    inCode
      ? number({ ...bounds, infinity: true }, `${expected} or Infinity`)
      : number(bounds, expected);
  /** Steps or calls at once: an integer >= 1 (in code, `Infinity` for no limit). */
  const concurrency = upTo({ integer: true, min: 1 }, "expected an integer >= 1");

  /** US dollars per million tokens. */
  const price = object(
    {
      inputPerMillion: nonNegative,
      outputPerMillion: nonNegative,
      cachedInputPerMillion: optional(nonNegative),
    },
    "expected { inputPerMillion, outputPerMillion, cachedInputPerMillion }",
  );

  const retryFields = {
    maxAttempts: optional(count),
    initialDelayMs: optional(nonNegative),
    backoffFactor: optional(nonNegative),
    maxDelayMs: optional(nonNegative),
    jitter: optional(number({ min: 0, max: 1 }, "expected a number in [0, 1]")),
  };
  const retryError = `expected a number of attempts or ${RETRY_SHAPE}`;
  /** A retry policy: a number is `maxAttempts`. */
  const retry = either(
    () => union([count, object(retryFields, retryError)], retryError),
    () =>
      union([count, object({ ...retryFields, retryOn: optional(fn()) }, retryError)], retryError),
  );

  /** An agent's time limits: a number is the whole run's. */
  const agentTimeout = union(
    [
      positiveMs,
      object(
        { callMs: optional(positiveMs), runMs: optional(positiveMs) },
        "expected a number of ms or { callMs, runMs }",
      ),
    ],
    "expected a number of ms or { callMs, runMs }",
  );

  /** An agent's memory, summarised by its own model unless `summaryModel` says otherwise. */
  const memory = object(
    {
      tokenThreshold: count,
      keepLast: optional(count),
      summaryModel: optional(model),
      summaryInstructions: optional(text),
      summaryMaxTokens: optional(count),
    },
    "expected { tokenThreshold, keepLast, summaryModel, summaryInstructions, summaryMaxTokens }",
  );
  /** An agent's prompt compression (code only, for now). */
  const compression = object(
    { maxTokens: count, model: optional(model), summaryMaxTokens: optional(count) },
    "expected { maxTokens, model, summaryMaxTokens }",
  );
  /** A response cache: how long answers are served, and where they are kept (code only). */
  const responseCache = object(
    {
      ttlMs: positiveMs,
      store: optional(
        rules.withMethods(["get", "set"], "expected a ResponseCacheStore (get, set)"),
      ),
    },
    "expected { ttlMs, store? }",
  );

  const budgetLimitFields = {
    maxCents: optional(nonNegative),
    maxTokens: optional(number({ integer: true, min: 0 }, "expected an integer >= 0")),
  };
  const budgetLimit = object(budgetLimitFields, "expected { maxCents, maxTokens }");
  const budget = object(
    {
      ...budgetLimitFields,
      reserveOutputTokens: optional(number({ integer: true, min: 0 }, "expected an integer >= 0")),
      perAgent: optional(
        record(
          either(
            () => identifier,
            () => text,
          ),
          budgetLimit,
          "expected a map of limits by agent name",
        ),
      ),
      onExceeded: optional(
        union(
          [
            oneOf(["stop", "pause"], 'expected "stop" or "pause"'),
            object(
              {
                switchTo: modelName,
                headroom: optional(upTo({ min: 0 }, "expected a number >= 0")),
              },
              'expected { switchTo: "provider:model-id", headroom? }',
            ),
          ],
          'expected "stop", "pause" or { switchTo: "provider:model-id", headroom? }',
        ),
      ),
    },
    "expected { maxCents, maxTokens, perAgent, reserveOutputTokens, onExceeded }",
  );

  const modelLimit = object(
    {
      concurrency: optional(concurrency),
      requestsPerMinute: optional(upTo({ gt: 0 }, "expected a number > 0")),
      tokensPerMinute: optional(upTo({ gt: 0 }, "expected a number > 0")),
      burstSeconds: optional(number({ gt: 0, max: 60 }, "expected a number of seconds in (0, 60]")),
    },
    "expected { concurrency, requestsPerMinute, tokensPerMinute, burstSeconds }",
  );
  const modelLimits = record(text, modelLimit, "expected a map of limits by model name");
  /** Per-model limits; in code also a `ModelLimiters` shared by several runs. */
  const limits = either(
    () => modelLimits,
    () =>
      union(
        [modelLimits, instanceOf(ModelLimiters, "a ModelLimiters")],
        "expected a map of limits by model name, or a ModelLimiters",
      ),
  );

  const breakerOptions = refine(
    object(
      {
        failureRateThreshold: optional(number({ gt: 0, max: 1 }, "expected a number in (0, 1]")),
        minimumCalls: optional(count),
        windowSize: optional(count),
        cooldownMs: optional(nonNegative),
        halfOpenProbes: optional(count),
        /** @deprecated use failureRateThreshold and minimumCalls */
        failureThreshold: optional(count),
      },
      `expected ${BREAKER_SHAPE}`,
    ),
    breakerProblems,
  );
  /** Per-model circuit breakers, or `false`; in code also a `CircuitBreakers` shared by several runs. */
  const circuitBreaker = either(
    () =>
      union(
        [literal(false, "expected false"), breakerOptions],
        `expected false or ${BREAKER_SHAPE}`,
      ),
    () =>
      union(
        [
          literal(false, "expected false"),
          breakerOptions,
          instanceOf(CircuitBreakers, "expected a CircuitBreakers"),
        ],
        `expected false, a CircuitBreakers or ${BREAKER_SHAPE}`,
      ),
  );

  return {
    identifier,
    text,
    nonEmpty,
    modelString,
    modelName,
    model,
    clock,
    signal,
    runStore,
    ids,
    telemetry,
    count,
    concurrency,
    positive,
    nonNegative,
    positiveMs,
    price,
    retry,
    agentTimeout,
    memory,
    compression,
    responseCache,
    budgetLimit,
    budget,
    modelLimit,
    modelLimits,
    limits,
    breakerOptions,
    circuitBreaker,
  };
}

/** What a circuit breaker's options get wrong across fields. */
function breakerProblems(options: {
  failureThreshold?: number | undefined;
  failureRateThreshold?: number | undefined;
  minimumCalls?: number | undefined;
  windowSize?: number | undefined;
}): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const { failureThreshold, windowSize } = options;
  if (failureThreshold !== undefined) {
    const windowOptions = (["failureRateThreshold", "minimumCalls", "windowSize"] as const).filter(
      (name) => options[name] !== undefined,
    );
    if (windowOptions.length > 0) {
      problems.push({
        path: ["failureThreshold"],
        message: `expected it alone (a deprecated shorthand for a window of consecutive failures), not with ${windowOptions.join(", ")}`,
      });
    }
  }
  const minimumCalls = options.minimumCalls ?? failureThreshold ?? 20;
  if (windowSize !== undefined && windowSize < minimumCalls) {
    problems.push({
      path: ["windowSize"],
      message: `expected an integer >= minimumCalls (${minimumCalls})`,
    });
  }
  return problems;
}

/** The fragments of a spec's schema (JSON as written). */
export const specFragments = optionFragments("spec");
/** The fragments of options given in code (functions, instances and `Infinity` allowed). */
export const codeFragments = optionFragments("code");
