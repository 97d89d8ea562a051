import { checkOptions, type OptionRule, optionFragments, rules } from "../engine/index.js";
import { OptionsError } from "../index.js";
import type { CascadeOptions, CascadeTier } from "./cascade.js";
import type { ChainOfThoughtOptions } from "./chain-of-thought.js";
import type { CollaborativeOptions } from "./collaborative.js";
import type { ConditionalOptions } from "./conditional.js";
import type { ConsensusOptions } from "./consensus.js";
import type { DebateOptions } from "./debate.js";
import type { OrchestrationDefinition } from "./define-orchestration.js";
import type { IterateOptions } from "./iterate.js";
import type { ParallelOptions } from "./parallel.js";
import { isParticipant, type Participant } from "./participant.js";
import type { PatternOptions } from "./pattern-workflow.js";
import type { PlanAndExecuteOptions } from "./plan-and-execute.js";
import type { RouterOptions } from "./router.js";
import type { SequentialOptions } from "./sequential.js";
import type { SupervisorOptions } from "./supervisor.js";
import type { SwarmOptions } from "./swarm.js";

const { object, optional, array, union, record, custom, fn, oneOf, number, string, refine } = rules;
const { text, count, concurrency, positiveMs, retry } = optionFragments;

/** Each pattern's options, checked by its rule: every problem at once, unknown keys named. */
type Fields<Options> = Record<keyof Options, OptionRule>;

const nonBlank = string("expected a non-empty string", { pattern: /\S/ });
const participant = custom<Participant>(isParticipant, "expected an agent or a workflow");
const participants = array(participant, "expected an array of agents", {
  nonEmpty: "expected at least one agent",
});
/** A synthesiser, a merge or an escalation: an agent, a workflow or a function. */
const handler = custom(
  (value) => typeof value === "function" || isParticipant(value),
  "expected an agent, a workflow or a function",
);
/** Builds a participant's input from the pattern's context. */
const prompt = optional(fn());
/** What every pattern takes. */
const patternFields = { name: optional(nonBlank) } satisfies Fields<PatternOptions>;

/** The names of the participants of `{ name: agent | { agent, description } }` or of an array. */
export function participantNames(value: unknown): string[] {
  return Array.isArray(value)
    ? value.map((entry) => (entry as Participant).name)
    : Object.keys(value as object);
}

/** Participants by name, or an array of them (each named after its agent): one at least, no name twice. */
const namedParticipants = refine(
  union(
    [
      array(participant, "expected an array of agents"),
      record(
        text,
        union(
          [
            participant,
            object({ agent: participant, description: text }, "expected { agent, description }"),
          ],
          "expected an agent or { agent, description }",
        ),
        "expected an object of agents by name",
      ),
    ],
    "expected an object of agents by name or an array of agents",
  ),
  (value) => {
    const names = participantNames(value);
    if (names.length === 0) return [{ path: [], message: "expected at least one agent" }];
    const twice = names.find((name, index) => names.indexOf(name) !== index);
    return twice === undefined
      ? []
      : [
          {
            path: [names.lastIndexOf(twice)],
            message: `expected agents with different names; two are named "${twice}" (name them with an object: { name: agent })`,
          },
        ];
  },
);

/** What a failed member or subtask does to the run. */
const failureMode = union(
  [
    oneOf(["fail-fast", "continue"], 'expected "fail-fast" or "continue"'),
    object({ quorum: count }, "expected { quorum: n }"),
  ],
  'expected "fail-fast", "continue" or { quorum: n }',
);

/** What a failed member or subtask does to the run (cascade, defineOrchestration). */
export type FailureMode = "fail-fast" | "continue" | { quorum: number };

/** The answers a failure mode needs (of a member's feeders, or of the subtasks); `undefined` for fail-fast. */
export function quorumOf(mode: FailureMode | undefined): number | undefined {
  if (mode === undefined || mode === "fail-fast") return undefined;
  return mode === "continue" ? 1 : mode.quorum;
}

/** A quorum larger than what can answer. */
export function quorumProblems(
  quorum: number | undefined,
  available: number,
  what: string,
): Array<{ path: string[]; message: string }> {
  return quorum !== undefined && quorum > available
    ? [{ path: ["quorum"], message: `expected at most ${available} (the number of ${what})` }]
    : [];
}

/**
 * Throws an `OptionsError` naming `where` with every problem of `options` (left out:
 * `{}`); returns them typed.
 */
export function checkPatternOptions<Options extends object>(
  rule: OptionRule,
  options: Options | undefined,
  where: string,
): Options {
  const given = options === undefined ? ({} as Options) : options;
  checkOptions(rule, given, where);
  return given;
}

/**
 * Throws an `OptionsError` for problems of checked `options` found against the other
 * arguments (a quorum larger than the agents given), each with the value received.
 */
export function rejectProblems(
  where: string,
  options: object,
  problems: ReadonlyArray<{ path: readonly string[]; message: string }>,
): void {
  if (problems.length === 0) return;
  throw new OptionsError(
    where,
    problems.map(({ path, message }) => ({
      path: path.join("."),
      message: `${message}, received ${String(path.reduce<unknown>((inner, key) => (inner as Record<string, unknown>)[key], options))}`,
    })),
  );
}

const options = "expected an options object";

export const sequentialOptionsRule = object(
  { ...patternFields, handoff: optional(fn()) } satisfies Fields<SequentialOptions>,
  options,
);

export const parallelOptionsRule = object(
  {
    ...patternFields,
    merge: optional(handler),
    maxParallel: optional(concurrency),
    quorum: optional(count),
  } satisfies Fields<ParallelOptions<unknown>>,
  options,
);

export const swarmOptionsRule = refine(
  object(
    {
      ...patternFields,
      agents: participants,
      domains: optional(
        array(nonBlank, "expected an array of domains", {
          nonEmpty: "expected at least one domain",
        }),
      ),
      maxParallel: optional(concurrency),
      synthesizer: optional(handler),
      quorum: optional(count),
      prompt,
    } satisfies Fields<SwarmOptions<unknown>>,
    options,
  ),
  ({ agents, domains, quorum }) =>
    quorumProblems(quorum, (domains ?? agents).length, domains ? "domains" : "agents"),
);

export const collaborativeOptionsRule = object(
  {
    ...patternFields,
    agents: participants,
    rounds: optional(count),
    prompt,
  } satisfies Fields<CollaborativeOptions>,
  options,
);

export const routerOptionsRule = refine(
  object(
    {
      ...patternFields,
      agents: namedParticipants,
      by: union(
        [
          fn(),
          participant,
          object({ rule: fn(), model: participant }, "expected { rule: function, model: agent }"),
        ],
        "expected a function, an agent, or { rule: function, model: agent }",
      ),
      fallback: optional(text),
    } satisfies Fields<RouterOptions>,
    options,
  ),
  ({ agents, fallback }) => {
    const names = participantNames(agents);
    return fallback === undefined || names.includes(fallback)
      ? []
      : [
          {
            path: ["fallback"],
            message: `expected one of ${names.map((name) => `"${name}"`).join(", ")}`,
          },
        ];
  },
);

export const iterateOptionsRule = object(
  {
    ...patternFields,
    until: optional(fn()),
    judge: optional(participant),
    maxIterations: optional(count),
    revise: optional(fn()),
  } satisfies Fields<IterateOptions>,
  options,
);

export const supervisorOptionsRule = object(
  {
    ...patternFields,
    worker: participant,
    reviewer: participant,
    maxRevisions: optional(count),
    escalate: optional(handler),
    revise: optional(fn()),
  } satisfies Fields<SupervisorOptions>,
  options,
);

export const consensusOptionsRule = refine(
  object(
    {
      ...patternFields,
      agents: participants,
      threshold: optional(number({ gt: 0, max: 1 }, "expected a number in (0, 1]")),
      synthesizer: optional(participant),
      quorum: optional(count),
      maxParallel: optional(concurrency),
      prompt,
    } satisfies Fields<ConsensusOptions>,
    options,
  ),
  ({ agents, quorum }) => quorumProblems(quorum, agents.length, "voters"),
);

export const debateOptionsRule = object(
  {
    ...patternFields,
    pro: participant,
    con: participant,
    judge: participant,
    rounds: optional(count),
  } satisfies Fields<DebateOptions>,
  options,
);

export const chainOfThoughtOptionsRule = object(
  {
    ...patternFields,
    reasoner: participant,
    steps: optional(
      union(
        [
          count,
          array(nonBlank, "expected an array of instructions", {
            nonEmpty: "expected at least one instruction",
          }),
        ],
        "expected an integer >= 1 or a non-empty array of instructions",
      ),
    ),
    answerer: optional(participant),
  } satisfies Fields<ChainOfThoughtOptions>,
  options,
);

/** A cascade's tier: one agent `size` times, or a list of agents. */
const cascadeTier = refine(
  object(
    {
      name: nonBlank,
      agent: optional(participant),
      agents: optional(participants),
      size: optional(count),
      prompt,
    } satisfies Fields<CascadeTier>,
    "expected a tier { name, agent, size, prompt } or { name, agents, prompt }",
  ),
  ({ agent, agents, size }) => {
    if (agents === undefined) {
      return agent === undefined
        ? [{ path: ["agent"], message: "expected an agent or a workflow (or agents)" }]
        : [];
    }
    return agent !== undefined || size !== undefined
      ? [{ path: ["agents"], message: "expected either agents, or agent and size, not both" }]
      : [];
  },
);

export const cascadeOptionsRule = object(
  {
    ...patternFields,
    tiers: refine(
      array(cascadeTier, "expected an array of tiers", {
        nonEmpty: "expected at least one tier",
      }),
      (tiers) =>
        tiers.flatMap((tier, index) =>
          tiers.findIndex((other) => other.name === tier.name) < index
            ? [{ path: [index, "name"], message: "expected a unique tier name" }]
            : [],
        ),
    ),
    maxParallel: optional(concurrency),
    failureMode: optional(failureMode),
  } satisfies Fields<CascadeOptions>,
  options,
);

export const planAndExecuteOptionsRule = object(
  {
    ...patternFields,
    planner: participant,
    agents: namedParticipants,
    synthesizer: optional(participant),
    maxParallel: optional(concurrency),
    retry: optional(retry),
    timeout: optional(positiveMs),
  } satisfies Fields<PlanAndExecuteOptions>,
  options,
);

export const orchestrationDefinitionRule = object(
  {
    ...patternFields,
    decompose: fn(),
    executeSubtask: fn(),
    synthesize: fn(),
    maxParallel: optional(concurrency),
    retry: optional(retry),
    timeout: optional(positiveMs),
    failureMode: optional(failureMode),
  } satisfies Fields<OrchestrationDefinition<never, unknown, unknown>>,
  "expected a definition { decompose, executeSubtask, synthesize, ... }",
);

export const conditionalOptionsRule = object(
  { ...patternFields } satisfies Fields<ConditionalOptions>,
  options,
);
