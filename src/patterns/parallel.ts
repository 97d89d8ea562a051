import { type Branch, fanOut, type Merge, type MergedOutput } from "./fan-out.js";
import { checkParticipants, type Participant, uniqueIds } from "./participant.js";
import {
  checkPatternOptions,
  parallelOptionsRule,
  quorumProblems,
  rejectProblems,
} from "./pattern-options-rules.js";
import type { PatternOptions, PatternWorkflow } from "./pattern-workflow.js";

export interface ParallelOptions<M> extends PatternOptions {
  /**
   * How the answers become one: a synthesiser agent (it gets the task and every answer),
   * or a function of the answers.
   * @default each answer under its agent's name, joined
   */
  merge?: Merge<M>;
  /** Agents answering at once, at most. @default Infinity */
  maxParallel?: number;
  /**
   * Merge once this many agents answered; the others' failures are tolerated.
   * @default every agent (any failure fails the run)
   */
  quorum?: number;
}

/**
 * The same task to every agent at once, merged into one answer by a synthesiser agent or a
 * function.
 * @example
 * const result = await parallel([optimist, pessimist, realist], { merge: editor }).run(question);
 * result.output.text;    // the editor's synthesis
 * result.output.answers; // each agent's own answer
 */
export function parallel<M = string>(
  agents: readonly Participant[],
  options?: ParallelOptions<M>,
): PatternWorkflow<MergedOutput<M>> {
  const members = checkParticipants(agents, "parallel(agents)");
  const where = "parallel(agents, options)";
  const given = checkPatternOptions(parallelOptionsRule, options, where);
  rejectProblems(where, given, quorumProblems(given.quorum, members.length, "agents"));
  const ids = uniqueIds(
    members.map((member) => member.name),
    ["synthesize"],
  );
  const branches: Branch[] = members.map((participant, index) => ({
    id: ids[index]!,
    participant,
    prompt: (task) => task,
  }));
  return fanOut(given.name ?? "parallel", branches, {
    merge: given.merge,
    quorum: given.quorum,
    maxParallel: given.maxParallel ?? Number.POSITIVE_INFINITY,
  });
}
