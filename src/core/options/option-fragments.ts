import type { z } from "zod";
import { CircuitBreakers } from "../policies/circuit-breakers.js";
import { ModelLimiters } from "../policies/model-limiters.js";
import type { Zod } from "./options-schema.js";

/**
 * Which options a schema checks: a spec's (JSON as written: model strings, names) or a
 * program's (which may also hold functions, shared instances and `Infinity`).
 */
export type OptionsFlavour = "spec" | "code";

/** `retry` as written: a number of attempts or the policy's fields. */
const RETRY_SHAPE = "{ maxAttempts, initialDelayMs, backoffFactor, maxDelayMs, jitter }";
const BREAKER_SHAPE =
  "{ failureRateThreshold, minimumCalls, windowSize, cooldownMs, halfOpenProbes }";

/**
 * The parts of options that specs and code share: retry policies, timeouts, memory,
 * budgets, model limits and circuit breakers, with the messages their problems get. A
 * spec's schema and the schemas of `agent()`, `flow.step()`, `flow.start()`, `new
 * Orchestrator()` and the durable API are all built from these, so the rules cannot drift
 * apart; `flavour` says only what code may add (functions, instances, `Infinity`).
 */
export function optionFragments(z: Zod, flavour: OptionsFlavour) {
  const code = flavour === "code";
  /**
   * The spec's schema, or in code the one that also takes what code may give (functions,
   * instances, `Infinity`). Typed as the spec's: specs use the parsed value, code only
   * checks.
   */
  const either = <S extends z.ZodType>(spec: () => S, program: () => z.ZodType): S =>
    code ? (program() as unknown as S) : spec();

  const identifier = z.string({ error: "expected a name" }).regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, {
    error: "expected a name of letters, digits, _ and - that starts with a letter or _",
  });
  const text = z.string({ error: "expected a string" });
  const nonEmpty = z
    .string({ error: "expected a non-empty string" })
    .min(1, { error: "expected a non-empty string" });
  /** `provider:model-id`; the provider is checked against known providers later. */
  const modelString = z
    .string({ error: 'expected a model string "provider:model-id"' })
    .regex(/^[^:\s]+:\S.*$/, { error: 'expected a model string "provider:model-id"' });
  /** A model named in options that hold no model objects (fallbacks, a budget's `switchTo`). */
  const modelName = either(
    () => modelString,
    () => z.string({ error: "expected a model name" }).min(1, { error: "expected a model name" }),
  );

  const count = z
    .int({ error: "expected an integer" })
    .min(1, { error: "expected an integer >= 1" });
  const positive = z
    .number({ error: "expected a number" })
    .positive({ error: "expected a number > 0" });
  const nonNegative = z.number({ error: "expected a number" }).nonnegative({
    error: "expected a number >= 0",
  });
  const positiveMs = z.number({ error: "expected a number of ms" }).positive({
    error: "expected a number of ms > 0",
  });
  /** Code may say "no limit" with `Infinity`; JSON cannot. */
  const orInfinity = <S extends z.ZodNumber>(schema: S, expected: string) =>
    either(
      () => schema,
      () => z.union([schema, z.literal(Number.POSITIVE_INFINITY)], { error: expected }),
    );

  /** A function (code only). */
  const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === "function", {
    error: "expected a function",
  });
  /** An object with these methods (code only: a store, a clock, a gate). */
  const withMethods = (what: string, methods: readonly string[]) =>
    z.custom<object>(
      (value) =>
        typeof value === "object" &&
        value !== null &&
        methods.every((method) => typeof (value as Record<string, unknown>)[method] === "function"),
      { error: `expected ${what}` },
    );
  const instanceOf = <T>(type: abstract new (...args: never[]) => T, what: string) =>
    z.custom<T>((value) => value instanceof type, { error: `expected ${what}` });

  const retryFields = {
    maxAttempts: count.optional(),
    initialDelayMs: nonNegative.optional(),
    backoffFactor: nonNegative.optional(),
    maxDelayMs: nonNegative.optional(),
    jitter: z
      .number({ error: "expected a number in [0, 1]" })
      .min(0, { error: "expected a number in [0, 1]" })
      .max(1, { error: "expected a number in [0, 1]" })
      .optional(),
  };
  const retryError = `expected a number of attempts or ${RETRY_SHAPE}`;
  const retry = either(
    () => z.union([count, z.strictObject(retryFields)], { error: retryError }),
    () =>
      z.union([count, z.strictObject({ ...retryFields, retryOn: fn.optional() })], {
        error: retryError,
      }),
  );

  /** An agent's time limits: a number is the whole run's. */
  const agentTimeout = z.union(
    [positiveMs, z.strictObject({ callMs: positiveMs.optional(), runMs: positiveMs.optional() })],
    { error: "expected a number of ms or { callMs, runMs }" },
  );

  /** An agent's memory, with the model that summarises it. */
  const memory = <M extends z.ZodType>(summaryModel: M) =>
    z.strictObject(
      {
        tokenThreshold: count,
        keepLast: count.optional(),
        summaryModel: summaryModel.optional(),
        summaryInstructions: text.optional(),
      },
      { error: "expected { tokenThreshold, keepLast, summaryModel, summaryInstructions }" },
    );

  const budgetLimitFields = {
    maxCents: nonNegative.optional(),
    maxTokens: z.int({ error: "expected an integer" }).nonnegative().optional(),
  };
  const budgetLimit = z.strictObject(budgetLimitFields, {
    error: "expected { maxCents, maxTokens }",
  });
  const budget = z.strictObject(
    {
      ...budgetLimitFields,
      perAgent: z
        .record(
          either(
            () => identifier,
            () => z.string(),
          ),
          budgetLimit,
          {
            error: "expected a map of limits by agent name",
          },
        )
        .optional(),
      onExceeded: z
        .union(
          [
            z.enum(["stop", "pause"]),
            z.strictObject({
              switchTo: modelName,
              headroom: orInfinity(nonNegative, "expected a number >= 0").optional(),
            }),
          ],
          { error: 'expected "stop", "pause" or { switchTo: "provider:model-id", headroom? }' },
        )
        .optional(),
    },
    { error: "expected { maxCents, maxTokens, perAgent, onExceeded }" },
  );

  const modelLimit = z.strictObject(
    {
      concurrency: orInfinity(count, "expected an integer >= 1 or Infinity").optional(),
      requestsPerMinute: orInfinity(positive, "expected a number > 0").optional(),
      tokensPerMinute: orInfinity(positive, "expected a number > 0").optional(),
      burstSeconds: positive
        .max(60, { error: "expected a number of seconds in (0, 60]" })
        .optional(),
    },
    { error: "expected { concurrency, requestsPerMinute, tokensPerMinute, burstSeconds }" },
  );
  const modelLimits = z.record(z.string(), modelLimit, {
    error: "expected a map of limits by model name",
  });
  const limits = either(
    () => modelLimits,
    () =>
      z.union([modelLimits, instanceOf(ModelLimiters, "a ModelLimiters")], {
        error: "expected a map of limits by model name, or a ModelLimiters",
      }),
  );

  const breakerOptions = z
    .strictObject({
      failureRateThreshold: z
        .number({ error: "expected a number" })
        .gt(0, { error: "expected a number in (0, 1]" })
        .max(1, { error: "expected a number in (0, 1]" })
        .optional(),
      minimumCalls: count.optional(),
      windowSize: count.optional(),
      cooldownMs: nonNegative.optional(),
      halfOpenProbes: count.optional(),
      /** @deprecated use failureRateThreshold and minimumCalls */
      failureThreshold: count.optional(),
    })
    .superRefine((options, context) => {
      const { failureThreshold, windowSize } = options;
      if (failureThreshold !== undefined) {
        const windowOptions = (
          ["failureRateThreshold", "minimumCalls", "windowSize"] as const
        ).filter((name) => options[name] !== undefined);
        if (windowOptions.length > 0) {
          context.addIssue({
            code: "custom",
            path: ["failureThreshold"],
            input: failureThreshold,
            message: `expected it alone (a deprecated shorthand for a window of consecutive failures), not with ${windowOptions.join(", ")}`,
          });
        }
      }
      const minimumCalls = options.minimumCalls ?? failureThreshold ?? 20;
      if (windowSize !== undefined && windowSize < minimumCalls) {
        context.addIssue({
          code: "custom",
          path: ["windowSize"],
          input: windowSize,
          message: `expected an integer >= minimumCalls (${minimumCalls})`,
        });
      }
    });
  const circuitBreaker = either(
    () =>
      z.union([z.literal(false), breakerOptions], { error: `expected false or ${BREAKER_SHAPE}` }),
    () =>
      z.union(
        [z.literal(false), breakerOptions, instanceOf(CircuitBreakers, "a CircuitBreakers")],
        { error: `expected false, a CircuitBreakers or ${BREAKER_SHAPE}` },
      ),
  );

  return {
    identifier,
    text,
    nonEmpty,
    modelString,
    modelName,
    count,
    positive,
    nonNegative,
    positiveMs,
    orInfinity,
    fn,
    withMethods,
    instanceOf,
    retry,
    agentTimeout,
    memory,
    budgetLimit,
    budget,
    modelLimit,
    limits,
    circuitBreaker,
  };
}
