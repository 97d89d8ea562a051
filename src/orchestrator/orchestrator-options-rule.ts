import { agentOptionFields, type OptionRule, optionFragments, rules } from "../engine/index.js";
import { isSubagent, type OrchestratorOptions } from "./orchestrator-options.js";
import type { SubmitOptions } from "./task-runner.js";

const { object, optional, array, union, literal, custom, number, fn } = rules;
const {
  text,
  nonEmpty,
  modelName,
  model,
  memory,
  count,
  retry,
  positiveMs,
  runStore,
  budget,
  modelLimits,
  breakerOptions,
  clock,
  ids,
  signal,
  telemetry,
} = optionFragments;

const anAgent = custom(
  isSubagent,
  'expected an agent (from agent()) or a runnable of kind "agent" (a registry route)',
);
const { output: _output, ...mainAgentFields } = agentOptionFields;

/** The options of `new Orchestrator()`, every one of them. */
export const orchestratorOptionsRule = object(
  {
    name: optional(nonEmpty),
    mainAgent: object(mainAgentFields, "expected the main agent's options (as for agent())"),
    subagents: optional(
      array(
        union(
          [
            anAgent,
            object(
              { agent: anAgent, description: optional(text) },
              "expected { agent, description }",
            ),
          ],
          'expected an agent (from agent()), a runnable of kind "agent" (a registry route) or { agent, description }',
        ),
        "expected an array of agents",
      ),
    ),
    availableTools: agentOptionFields.tools,
    subagentModel: optional(model),
    designerModel: optional(model),
    designerName: optional(nonEmpty),
    subagentMemory: optional(memory),
    subagentMaxSteps: optional(count),
    maxParallelTasks: optional(count),
    maxPlanAttempts: optional(count),
    retry: optional(retry),
    timeout: optional(positiveMs),
    fallbackModels: optional(array(modelName, "expected an array of model names")),
    store: optional(runStore),
    budget: optional(budget),
    limits: optional(modelLimits),
    circuitBreaker: optional(
      union(
        [literal(false, "expected false"), breakerOptions],
        "expected false or { failureRateThreshold, minimumCalls, windowSize, cooldownMs, halfOpenProbes }",
      ),
    ),
    prices: agentOptionFields.prices,
    modelOptions: agentOptionFields.modelOptions,
    clock: optional(clock),
    ids: optional(ids),
    telemetry: optional(telemetry),
  } satisfies Record<keyof OrchestratorOptions, OptionRule>,
  "expected an options object",
);

/** The options of `orchestrator.submit()`. */
export const submitOptionsRule = object(
  {
    priority: optional(number({}, "expected a finite number")),
    metadata: optional(
      custom(
        (value) => typeof value === "object" && value !== null && !Array.isArray(value),
        "expected an object",
      ),
    ),
    callback: optional(fn()),
    signal: optional(signal),
  } satisfies Record<keyof SubmitOptions, OptionRule>,
  "expected an options object",
);
