import { type Branch, fanOut, type Merge, type MergedOutput } from "./fan-out.js";
import { type Participant, uniqueIds } from "./participant.js";
import { checkPatternOptions, swarmOptionsRule } from "./pattern-options-rules.js";
import type { PatternOptions, PatternWorkflow } from "./pattern-workflow.js";

export interface SwarmOptions<M> extends PatternOptions {
  /** The workers. Domain `i` goes to `agents[i % agents.length]`. */
  agents: readonly Participant[];
  /**
   * The parts of the task, one branch each. Without domains, every agent gets the whole task.
   * @default none
   * @example domains: ["pricing", "competitors", "regulation", "technology"]
   */
  domains?: readonly string[];
  /** Branches running at once, at most. @default 4 */
  maxParallel?: number;
  /**
   * Merges the branches' answers: an agent (gets the task and every answer) or a function.
   * @default each answer under its agent and domain, joined
   */
  synthesizer?: Merge<M>;
  /** Merge once this many branches answered; other failures are tolerated. @default every branch */
  quorum?: number;
  /**
   * A branch's input.
   * @default the task, then "Your part: <domain>. Cover only this part; others cover the rest."
   */
  prompt?: (context: { task: string; domain: string | undefined; agent: string }) => string;
}

/**
 * Many workers on one task, split across domains, at most `maxParallel` at once, merged by
 * a synthesiser.
 * @example
 * const result = await swarm({
 *   agents: [scout, scout, scout],
 *   domains: ["pricing", "competitors", "regulation", "technology", "hiring"],
 *   maxParallel: 3,
 *   synthesizer: analyst,
 * }).run("Should we enter the Dutch e-bike market?");
 */
export function swarm<M = string>(options: SwarmOptions<M>): PatternWorkflow<MergedOutput<M>> {
  const {
    name = "swarm",
    agents,
    domains,
    synthesizer,
    prompt,
    quorum,
    maxParallel = 4,
  } = checkPatternOptions(swarmOptionsRule, options, "swarm(options)");
  const parts: Array<{ participant: Participant; domain: string | undefined }> = domains
    ? domains.map((domain, index) => ({ participant: agents[index % agents.length]!, domain }))
    : agents.map((participant) => ({ participant, domain: undefined }));
  const ids = uniqueIds(
    parts.map((part) => (part.domain !== undefined ? slug(part.domain) : part.participant.name)),
    ["synthesize"],
  );
  const branches: Branch[] = parts.map(({ participant, domain }, index) => ({
    id: ids[index]!,
    participant,
    ...(domain !== undefined ? { domain } : {}),
    prompt: (task) =>
      prompt
        ? prompt({ task, domain, agent: participant.name })
        : domain === undefined
          ? task
          : `${task}\n\nYour part: ${domain}. Cover only this part; others cover the rest.`,
  }));
  return fanOut(name, branches, { merge: synthesizer, quorum, maxParallel });
}

/** A step id from a domain: lower case, words joined by dashes. */
function slug(domain: string): string {
  const words = domain.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length > 0 ? words.join("-").slice(0, 48) : "domain";
}
