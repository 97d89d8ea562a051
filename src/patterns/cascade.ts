import type { StepResults } from "../index.js";
import { type Answer, answerOf, type Participant, taskOf } from "./participant.js";
import { cascadeOptionsRule, checkPatternOptions, quorumOf } from "./pattern-options-rules.js";
import { type PatternOptions, PatternWorkflow } from "./pattern-workflow.js";
import { withPhase } from "./with-phase.js";

/** What a tier member's `prompt` sees. */
export interface CascadeContext {
  task: string;
  tier: string;
  /** 1-based position in the tier. */
  index: number;
  size: number;
  /** The previous tier's answers this member works from (none in the first tier). */
  inputs: Answer[];
  /** The previous tier's name, if any. */
  previousTier?: string;
}

export interface CascadeTier {
  /** Names the tier and its steps (`<name>-1`, `<name>-2`, ...). */
  name: string;
  /** One agent, run `size` times. */
  agent?: Participant;
  /** Or a list of agents, one step each. */
  agents?: readonly Participant[];
  /** Copies of `agent` in the tier. @default 1 */
  size?: number;
  /** A member's input. @default the task (first tier), else the task and its inputs' findings */
  prompt?: (context: CascadeContext) => string;
}

export interface CascadeOptions extends PatternOptions {
  /**
   * The tiers, widest first. Each member of a tier works from a contiguous group of the
   * previous tier's answers (when the tier is no larger than the previous one; otherwise
   * from all of them), and starts as soon as its own group is done.
   * @example tiers: [{ name: "search", agent: searcher, size: 6 }, { name: "analyse", agent: analyst, size: 2 }, { name: "synthesise", agent: writer }]
   */
  tiers: readonly CascadeTier[];
  /** Steps running at once, at most. @default Infinity */
  maxParallel?: number;
  /**
   * What a failed member does to the run. `"fail-fast"`: the run fails. `"continue"`: a
   * member runs on the answers of the members feeding it that succeeded (at least one),
   * and the run succeeds while the last tier has an answer; `output.failed` names the
   * members that gave none. `{ quorum: n }`: the same, but each member needs `n` answers
   * from its feeders (all of them when it has fewer), and the last tier `n` answers.
   * @default "fail-fast"
   */
  failureMode?: "fail-fast" | "continue" | { quorum: number };
}

export interface CascadeOutput {
  /** The last tier's answer (its answers joined, when it has several). */
  text: string;
  /** Every tier's answers, in order (only the members that answered). */
  tiers: Array<{ name: string; answers: Answer[] }>;
  /**
   * The members that gave no answer: they failed, or too few of their inputs answered
   * (only with `failureMode` "continue" or a quorum; empty otherwise).
   */
  failed: Array<{ stepId: string; tier: string }>;
}

interface PlannedTier {
  name: string;
  members: Participant[];
  ids: string[];
  prompt: ((context: CascadeContext) => string) | undefined;
}

/** Which members of the previous tier (by index) feed member `index` of a tier of `size`. */
export function feedersOf(index: number, size: number, previousSize: number): number[] {
  const all = Array.from({ length: previousSize }, (_, position) => position);
  if (size > previousSize) return all;
  return all.filter((position) => Math.floor((position * size) / previousSize) === index);
}

function defaultPrompt(context: CascadeContext, last: boolean): string {
  if (context.inputs.length === 0) {
    return context.size > 1
      ? `${context.task}\n\nYou are ${context.tier} ${context.index} of ${context.size}: take angle ${context.index} of ${context.size}; the others cover the rest.`
      : context.task;
  }
  const findings = context.inputs.map((input) => `### ${input.stepId}\n${input.text}`).join("\n\n");
  const ask =
    last && context.size === 1
      ? "Synthesise these findings into the final answer to the task."
      : "Analyse these findings: what do they show, what is missing, what matters most?";
  return `Task: ${context.task}\n\nFindings from the ${context.previousTier} tier:\n\n${findings}\n\n${ask}`;
}

/**
 * Hierarchical tiers: many quick workers, then fewer analysts over groups of their findings,
 * then (usually) one synthesiser. No barrier between tiers: a member starts the moment its
 * own inputs are done.
 * @example
 * const research = cascade({
 *   tiers: [
 *     { name: "search", agent: searcher, size: 6 },
 *     { name: "analyse", agent: analyst, size: 2 },
 *     { name: "synthesise", agent: writer },
 *   ],
 * });
 */
export function cascade(options: CascadeOptions): PatternWorkflow<CascadeOutput> {
  const given = checkPatternOptions(cascadeOptionsRule, options, "cascade(options)");
  const tiers: PlannedTier[] = given.tiers.map((tier) => {
    // The rule saw to it: `agents`, or an `agent` (`size` times).
    const members = tier.agents
      ? [...tier.agents]
      : Array.from({ length: tier.size ?? 1 }, () => tier.agent!);
    return {
      name: tier.name,
      members,
      ids: members.map((_, index) => `${tier.name}-${index + 1}`),
      prompt: tier.prompt,
    };
  });
  const quorum = quorumOf(given.failureMode);
  // Members that gave no answer (tolerated failures) have no result: they are left out.
  const answersOf = (tier: PlannedTier, results: StepResults, indexes?: readonly number[]) =>
    (indexes ?? tier.members.map((_, index) => index))
      .filter((index) => results[tier.ids[index]!] !== undefined)
      .map((index) => answerOf(tier.members[index]!, tier.ids[index]!, results[tier.ids[index]!]));
  const flow = new PatternWorkflow<CascadeOutput>(given.name ?? "cascade", {
    ...(given.maxParallel !== undefined ? { maxParallel: given.maxParallel } : {}),
    output: (results) => {
      const all = tiers.map((tier) => ({ name: tier.name, answers: answersOf(tier, results) }));
      const last = all.at(-1)!.answers;
      return {
        text:
          last.length === 1
            ? last[0]!.text
            : last.map((answer) => `[${answer.stepId}] ${answer.text}`).join("\n\n"),
        tiers: all,
        failed: tiers.flatMap((tier) =>
          tier.ids
            .filter((id) => results[id] === undefined)
            .map((stepId) => ({ stepId, tier: tier.name })),
        ),
      };
    },
  });
  tiers.forEach((tier, position) => {
    const previous = tiers[position - 1];
    const last = position === tiers.length - 1;
    tier.members.forEach((member, index) => {
      const feeders = previous
        ? feedersOf(index, tier.members.length, previous.members.length)
        : [];
      const target =
        last && tier.members.length === 1 && previous ? withPhase(member, "synthesis") : member;
      flow.step(tier.ids[index]!, target, {
        ...(previous ? { dependsOn: feeders.map((feeder) => previous.ids[feeder]!) } : {}),
        ...(previous && quorum !== undefined ? { quorum: Math.min(quorum, feeders.length) } : {}),
        input: ({ input, results }) => {
          const context: CascadeContext = {
            task: taskOf(input),
            tier: tier.name,
            index: index + 1,
            size: tier.members.length,
            inputs: previous ? answersOf(previous, results, feeders) : [],
            ...(previous ? { previousTier: previous.name } : {}),
          };
          return tier.prompt ? tier.prompt(context) : defaultPrompt(context, last);
        },
      });
    });
  });
  if (quorum !== undefined) {
    // A join on the last tier absorbs its members' failures while enough of them answered.
    const last = tiers.at(-1)!;
    flow.step(END_STEP, () => null, {
      dependsOn: last.ids,
      quorum: Math.min(quorum, last.ids.length),
    });
  }
  return flow;
}

/** The step that ends a cascade that tolerates failures. */
const END_STEP = "cascade-end";
