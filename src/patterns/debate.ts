import type { StepContext, StepResults } from "../index.js";
import { type Participant, taskOf, textOf } from "./participant.js";
import { checkPatternOptions, debateOptionsRule } from "./pattern-options-rules.js";
import { type PatternOptions, PatternWorkflow } from "./pattern-workflow.js";
import { readStructured } from "./read-structured.js";
import { verdictSchema } from "./schemas.js";

export interface DebateOptions extends PatternOptions {
  /** Argues for the motion. */
  pro: Participant;
  /** Argues against it. */
  con: Participant;
  /**
   * Reads the transcript and decides: `verdictSchema` output (give it `output: verdictSchema`),
   * `{ "winner": "pro" | "con" | "tie", "reasoning": "..." }` JSON, or text naming the winner.
   */
  judge: Participant;
  /** Rounds; each round, pro speaks, then con. @default 2 */
  rounds?: number;
}

/** One speech of the debate. */
export interface Turn {
  round: number;
  side: "pro" | "con";
  agent: string;
  text: string;
}

export interface DebateOutput {
  /** Every speech, in order. */
  transcript: Turn[];
  winner: "pro" | "con" | "tie";
  /** The judge's reasoning. */
  verdict: string;
  /** The winner and the verdict, as text. */
  text: string;
}

function turnsBefore(
  rounds: number,
  round: number,
  side: "pro" | "con",
): Array<[number, "pro" | "con"]> {
  const turns: Array<[number, "pro" | "con"]> = [];
  for (let current = 1; current <= rounds; current++) {
    for (const speaker of ["pro", "con"] as const) {
      if (current === round && speaker === side) return turns;
      turns.push([current, speaker]);
    }
  }
  return turns;
}

function transcriptOf(
  turns: ReadonlyArray<[number, "pro" | "con"]>,
  results: StepResults,
  names: { pro: string; con: string },
): Turn[] {
  return turns.map(([round, side]) => ({
    round,
    side,
    agent: names[side],
    text: textOf(results[`${side}-${round}`]),
  }));
}

function render(transcript: readonly Turn[]): string {
  return transcript
    .map((turn) => `[Round ${turn.round}, ${turn.side === "pro" ? "for" : "against"}] ${turn.text}`)
    .join("\n\n");
}

/**
 * Two agents argue a motion for `rounds` rounds (pro, then con, each seeing the transcript),
 * then a judge picks the winner.
 * @example
 * const { output } = await debate({ pro: advocate, con: critic, judge, rounds: 3 })
 *   .run("Remote work is better for junior engineers");
 * output.winner; output.verdict; output.transcript;
 */
export function debate(options: DebateOptions): PatternWorkflow<DebateOutput> {
  const {
    name = "debate",
    pro,
    con,
    judge,
    rounds = 2,
  } = checkPatternOptions(debateOptionsRule, options, "debate(options)");
  const names = { pro: pro.name, con: con.name };
  const all = turnsBefore(rounds, rounds + 1, "pro");
  const flow = new PatternWorkflow<DebateOutput>(name, {
    output: (results) => results.verdict as DebateOutput,
  });
  let previous: string | undefined;
  for (let round = 1; round <= rounds; round++) {
    for (const side of ["pro", "con"] as const) {
      const id = `${side}-${round}`;
      flow.step(id, side === "pro" ? pro : con, {
        ...(previous ? { dependsOn: [previous] } : {}),
        input: ({ input, results }) => {
          const transcript = transcriptOf(turnsBefore(rounds, round, side), results, names);
          return [
            `Motion: ${taskOf(input)}`,
            `You argue ${side === "pro" ? "FOR" : "AGAINST"} the motion. This is round ${round} of ${rounds}.`,
            ...(transcript.length > 0 ? [`The debate so far:\n\n${render(transcript)}`] : []),
            transcript.length > 0
              ? "Answer the other side's latest points and make your strongest case."
              : "Make your opening case.",
          ].join("\n\n");
        },
      });
      previous = id;
    }
  }
  flow.step("judge", judge, {
    dependsOn: [previous!],
    input: ({ input, results }) =>
      [
        `Motion: ${taskOf(input)}`,
        `Transcript:\n\n${render(transcriptOf(all, results, names))}`,
        'Judge the debate on the strength of the arguments. Answer JSON {"winner": "pro"|"con"|"tie", "reasoning": "<why>"}.',
      ].join("\n\n"),
  });
  flow.step(
    "verdict",
    ({ results, emit }: StepContext<string>): DebateOutput => {
      const verdict = readStructured(results.judge, verdictSchema, {
        participant: judge.name,
        expected: 'a verdict { winner: "pro" | "con" | "tie", reasoning }',
        fromText: (text) => {
          const named = /\bwinner\W+(pro|con|tie)\b/i.exec(text)?.[1]?.toLowerCase();
          return named ? { winner: named, reasoning: text } : undefined;
        },
      });
      emit({ type: "custom:verdict", data: verdict });
      return {
        transcript: transcriptOf(all, results, names),
        winner: verdict.winner,
        verdict: verdict.reasoning,
        text: `Winner: ${verdict.winner}. ${verdict.reasoning}`,
      };
    },
    { dependsOn: ["judge"], retry: 1 },
  );
  return flow;
}
