import { outputOf, type Participant, taskOf, textOf, uniqueIds } from "./participant.js";
import { checkPatternOptions, collaborativeOptionsRule } from "./pattern-options-rules.js";
import { type PatternOptions, PatternWorkflow } from "./pattern-workflow.js";

/** What a turn's `prompt` sees. */
export interface TurnContext {
  task: string;
  /** The shared draft so far; `undefined` on the very first turn. */
  draft: string | undefined;
  agent: string;
  round: number;
  rounds: number;
}

export interface CollaborativeOptions extends PatternOptions {
  /** The collaborators, in turn order. */
  agents: readonly Participant[];
  /** Times each agent takes a turn. @default 2 */
  rounds?: number;
  /** A turn's input. @default the task and the current draft, asking for an improved full draft */
  prompt?: (context: TurnContext) => string;
}

/** One agent's turn on the shared draft. */
export interface Contribution {
  round: number;
  agent: string;
  stepId: string;
  /** The draft as this agent left it. */
  text: string;
}

export interface CollaborativeOutput {
  /** The final draft. */
  text: string;
  output: unknown;
  /** Every turn, in order. */
  contributions: Contribution[];
}

function turnPrompt(context: TurnContext): string {
  if (context.draft === undefined) {
    return `Task: ${context.task}\n\nYou start a shared draft that others will improve after you. Write the first full draft.`;
  }
  return [
    `Task: ${context.task}`,
    `The shared draft so far (round ${context.round} of ${context.rounds}):\n${context.draft}`,
    "Improve it from your own expertise. Keep what is good; fix and add what is missing. Answer with the full new draft only.",
  ].join("\n\n");
}

/**
 * Agents take turns improving one shared draft, for `rounds` rounds. Each turn sees the
 * draft exactly as the previous agent left it.
 * @example
 * const doc = collaborative({ agents: [engineer, designer, lawyer], rounds: 2 });
 * const { output } = await doc.run("A privacy-friendly onboarding flow");
 * output.text; output.contributions;
 */
export function collaborative(options: CollaborativeOptions): PatternWorkflow<CollaborativeOutput> {
  const {
    name = "collaborative",
    agents,
    rounds = 2,
    prompt = turnPrompt,
  } = checkPatternOptions(collaborativeOptionsRule, options, "collaborative(options)");
  const names = uniqueIds(agents.map((agent) => agent.name));
  const turns: Array<{ id: string; agent: Participant; round: number }> = [];
  for (let round = 1; round <= rounds; round++) {
    agents.forEach((agent, index) => {
      turns.push({ id: `${names[index]}-r${round}`, agent, round });
    });
  }
  const flow = new PatternWorkflow<CollaborativeOutput>(name, {
    output: (results) => {
      const contributions = turns.map((turn) => ({
        round: turn.round,
        agent: turn.agent.name,
        stepId: turn.id,
        text: textOf(results[turn.id]),
      }));
      const last = results[turns.at(-1)!.id];
      return { text: textOf(last), output: outputOf(last), contributions };
    },
  });
  turns.forEach((turn, position) => {
    const before = turns[position - 1];
    flow.step(turn.id, turn.agent, {
      ...(before ? { dependsOn: [before.id] } : {}),
      input: ({ input, results }) =>
        prompt({
          task: taskOf(input),
          draft: before ? textOf(results[before.id]) : undefined,
          agent: turn.agent.name,
          round: turn.round,
          rounds,
        }),
    });
  });
  return flow;
}
