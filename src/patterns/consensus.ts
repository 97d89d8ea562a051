import type { StepContext, StepResults } from "../index.js";
import { type Participant, taskOf, textOf, uniqueIds } from "./participant.js";
import { checkPatternOptions, consensusOptionsRule } from "./pattern-options-rules.js";
import { type PatternOptions, PatternWorkflow } from "./pattern-workflow.js";
import { leadingWord, readStructured } from "./read-structured.js";
import { voteSchema } from "./schemas.js";
import { withPhase } from "./with-phase.js";

/** One agent's vote. */
export interface CastVote {
  agent: string;
  stepId: string;
  approve: boolean;
  reason: string;
}

export interface ConsensusOptions extends PatternOptions {
  /**
   * The voters. Each answers with `voteSchema` output (give them `output: voteSchema`),
   * `{ "approve": true, "reason": "..." }` JSON, or text starting with yes / no.
   */
  agents: readonly Participant[];
  /**
   * The share of votes in favour needed to approve: approved when
   * `approvals / votes >= threshold` (2 of 3 is 0.667).
   * @default 0.5
   */
  threshold?: number;
  /** Writes the combined reasoning from the votes. @default the reasons, one line per voter */
  synthesizer?: Participant;
  /** Count the votes once this many voters answered; other failures are tolerated. @default every voter */
  quorum?: number;
  /** Voters asked at once, at most. @default Infinity */
  maxParallel?: number;
  /** A voter's input. @default the proposal and how to answer */
  prompt?: (proposal: string) => string;
}

export interface ConsensusOutput {
  decision: "approved" | "rejected";
  approved: boolean;
  /** Votes in favour over votes cast. */
  ratio: number;
  threshold: number;
  votes: CastVote[];
  /** Why, from all voters: the synthesiser's text or one line per vote. */
  reasoning: string;
  /** The decision and the reasoning, as text. */
  text: string;
}

/** A voter's default input. */
export function votePrompt(proposal: string): string {
  return [
    `Proposal: ${proposal}`,
    'Vote for or against it. Answer JSON {"approve": true|false, "reason": "<why, in one or two sentences>"}.',
  ].join("\n\n");
}

const YES = new Set(["yes", "approve", "approved", "for", "agree", "true"]);
const NO = new Set(["no", "reject", "rejected", "against", "disagree", "false"]);

/**
 * Every agent votes on a proposal, with a reason; the proposal passes when the share of
 * votes in favour reaches `threshold`.
 * @example
 * const board = consensus({ agents: [cfo, cto, ceo], threshold: 0.66 });
 * const { output } = await board.run("Move the API to Rust this quarter");
 * output.decision; output.ratio; output.votes; output.reasoning;
 */
export function consensus(options: ConsensusOptions): PatternWorkflow<ConsensusOutput> {
  const {
    name = "consensus",
    agents: voters,
    threshold = 0.5,
    synthesizer,
    quorum = voters.length,
    maxParallel = Number.POSITIVE_INFINITY,
    prompt = votePrompt,
  } = checkPatternOptions(consensusOptionsRule, options, "consensus(options)");
  const ids = uniqueIds(
    voters.map((voter) => voter.name),
    ["tally", "synthesize"],
  );
  const flow = new PatternWorkflow<ConsensusOutput>(name, {
    maxParallel,
    output: (results) => {
      const tally = results.tally as Omit<ConsensusOutput, "reasoning" | "text"> & {
        reasoning: string;
      };
      const reasoning = synthesizer ? textOf(results.synthesize) : tally.reasoning;
      return { ...tally, reasoning, text: `${tally.decision}: ${reasoning}` };
    },
  });
  voters.forEach((voter, index) => {
    flow.step(ids[index]!, voter, { input: ({ input }) => prompt(taskOf(input)) });
  });
  flow.step(
    "tally",
    ({ results, emit }: StepContext<string>) => {
      const votes = castVotes(voters, ids, results);
      for (const vote of votes) emit({ type: "custom:vote", data: vote });
      const approvals = votes.filter((vote) => vote.approve).length;
      const ratio = approvals / votes.length;
      const approved = ratio >= threshold;
      const decision: ConsensusOutput["decision"] = approved ? "approved" : "rejected";
      emit({ type: "custom:consensus", data: { decision, ratio, threshold, votes: votes.length } });
      return {
        decision,
        approved,
        ratio,
        threshold,
        votes,
        reasoning: votes
          .map((vote) => `- ${vote.agent} (${vote.approve ? "for" : "against"}): ${vote.reason}`)
          .join("\n"),
      };
    },
    {
      dependsOn: ids,
      ...(quorum < voters.length ? { quorum } : {}),
      retry: 1,
    },
  );
  if (synthesizer) {
    flow.step("synthesize", withPhase(synthesizer, "synthesis"), {
      dependsOn: ["tally"],
      input: ({ input, results }) =>
        [
          `Proposal: ${taskOf(input)}`,
          `Decision: ${results.tally.decision} (${results.tally.votes.filter((vote: CastVote) => vote.approve).length} of ${results.tally.votes.length} in favour)`,
          `Votes:\n${results.tally.reasoning}`,
          "Combine the voters' reasoning into one short explanation of the decision.",
        ].join("\n\n"),
    });
  }
  return flow;
}

function castVotes(
  voters: readonly Participant[],
  ids: readonly string[],
  results: StepResults,
): CastVote[] {
  const votes: CastVote[] = [];
  voters.forEach((voter, index) => {
    const stepId = ids[index]!;
    if (results[stepId] === undefined) return;
    const vote = readStructured(results[stepId], voteSchema, {
      participant: voter.name,
      expected: "a vote { approve, reason }",
      fromText: (text) => {
        const word = leadingWord(text);
        const reason = text.replace(/^\W*\w+\W*/, "") || text;
        if (YES.has(word)) return { approve: true, reason };
        if (NO.has(word)) return { approve: false, reason };
        return undefined;
      },
    });
    votes.push({ agent: voter.name, stepId, approve: vote.approve, reason: vote.reason });
  });
  return votes;
}
