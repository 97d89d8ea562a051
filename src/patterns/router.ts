import type { StepContext } from "../index.js";
import {
  isParticipant,
  type NamedParticipant,
  namedParticipants,
  outputOf,
  type Participant,
  taskOf,
  textOf,
} from "./participant.js";
import { checkPatternOptions, routerOptionsRule } from "./pattern-options-rules.js";
import { type PatternOptions, PatternWorkflow } from "./pattern-workflow.js";
import { jsonIn } from "./read-structured.js";

/** A rule that picks a route for a task; `undefined` leaves the choice to the model. */
export type RouteRule = (
  task: string,
  context: { signal: AbortSignal },
) => string | undefined | Promise<string | undefined>;

/** A route: an agent, or an agent with a description the routing model reads. */
export type Route = Participant | { agent: Participant; description: string };

/** Who picks the route: a rule, a model (an agent), or a rule first and the model when it abstains. */
export type RouteBy = RouteRule | Participant | { rule: RouteRule; model: Participant };

export interface RouterOptions extends PatternOptions {
  /** The routes by name. An array names each route after its agent. */
  agents: Readonly<Record<string, Route>> | readonly Participant[];
  /**
   * Picks the route. A model gets the routes (with descriptions) and the task, and answers
   * with a route name, `{ "route": name }` or `routeSchema(names)` output.
   */
  by: RouteBy;
  /** The route taken when the pick is not a known route. @default the first route */
  fallback?: string;
}

export interface RouterOutput {
  /** The route that ran. */
  route: string;
  /** What the rule or model picked (`undefined` when it picked nothing). */
  pick: string | undefined;
  /** Who picked. */
  decidedBy: "rule" | "model";
  /** `true` when the pick was unknown and the fallback ran. */
  fellBack: boolean;
  /** The model's reason, when it gave one. */
  reason?: string;
  /** The chosen agent's answer. */
  text: string;
  output: unknown;
}

interface Decision {
  route: string;
  pick: string | undefined;
  decidedBy: "rule" | "model";
  fellBack: boolean;
  reason?: string;
}

/**
 * Sends the task to one of several agents, picked by a rule, a model, or both (the rule
 * first; the model only when the rule returns `undefined`). An unknown pick goes to the
 * fallback route.
 * @example
 * const desk = router({
 *   agents: { billing, tech, sales },
 *   by: { rule: (task) => (/invoice|refund/i.test(task) ? "billing" : undefined), model: triage },
 *   fallback: "sales",
 * });
 * const { output } = await desk.run("My invoice is wrong");
 */
export function router(options: RouterOptions): PatternWorkflow<RouterOutput> {
  const given = checkPatternOptions(routerOptionsRule, options, "router(options)");
  const routes = namedParticipants(given.agents);
  const names = [...routes.keys()];
  const { rule, model } = byOf(given.by);
  const fallback = given.fallback ?? names[0]!;
  const stepOf = (route: string) => `route-${route}`;
  const flow = new PatternWorkflow<RouterOutput>(given.name ?? "router", {
    output: (results) => {
      const decision = results.pick as Decision;
      const answer = results[stepOf(decision.route)];
      return { ...decision, text: textOf(answer), output: outputOf(answer) };
    },
  });
  const picked: string[] = [];
  if (rule) {
    flow.step(
      "rule",
      async ({ input, signal }: StepContext<string>) =>
        (await rule(taskOf(input), { signal })) ?? null,
    );
    picked.push("rule");
  }
  if (model) {
    flow.step("classify", model, {
      ...(rule ? { dependsOn: ["rule"], when: ({ results }) => results.rule === null } : {}),
      input: ({ input }) => classifyPrompt(taskOf(input), routes),
    });
    picked.push("classify");
  }
  flow.step(
    "pick",
    ({ results, emit }: StepContext<string>) => {
      const decision = decide(results.rule, results.classify, names, fallback);
      emit({ type: "custom:route", data: decision });
      return decision;
    },
    {
      dependsOn: picked,
      route: ({ output }) => stepOf((output as Decision).route),
    },
  );
  for (const [name, route] of routes) {
    flow.step(stepOf(name), route.agent, {
      dependsOn: ["pick"],
      input: ({ input }) => taskOf(input),
    });
  }
  return flow;
}

/** Who picks, from a checked `by`. */
function byOf(by: RouteBy): { rule?: RouteRule; model?: Participant } {
  if (typeof by === "function") return { rule: by };
  if (isParticipant(by)) return { model: by };
  return { rule: by.rule, model: by.model };
}

function classifyPrompt(task: string, routes: ReadonlyMap<string, NamedParticipant>): string {
  const list = [...routes].map(
    ([name, route]) => `- ${name}${route.description ? `: ${route.description}` : ""}`,
  );
  return [
    "Pick the agent best suited to the task below.",
    `Agents:\n${list.join("\n")}`,
    'Answer with the agent\'s name only, or JSON {"route": "<name>", "reason": "<why>"}.',
    `Task: ${task}`,
  ].join("\n\n");
}

/** The route named by the rule's or the model's answer; unknown picks fall back. */
function decide(
  ruled: unknown,
  classified: unknown,
  names: readonly string[],
  fallback: string,
): Decision {
  let pick: string | undefined;
  let reason: string | undefined;
  let decidedBy: Decision["decidedBy"];
  if (typeof ruled === "string" || classified === undefined) {
    pick = typeof ruled === "string" ? ruled : undefined;
    decidedBy = "rule";
  } else {
    decidedBy = "model";
    ({ pick, reason } = readPick(classified, names));
  }
  const known = pick !== undefined && names.includes(pick);
  return {
    route: known ? pick! : fallback,
    pick,
    decidedBy,
    fellBack: !known,
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** A route name from a model's answer: structured, JSON, the bare name, or one name it mentions. */
function readPick(result: unknown, names: readonly string[]): { pick?: string; reason?: string } {
  const output = outputOf(result);
  const text = textOf(result);
  const structured = (typeof output === "object" && output !== null ? output : jsonIn(text)) as
    | { route?: unknown; agent?: unknown; reason?: unknown }
    | undefined;
  if (structured && typeof structured === "object") {
    const pick = structured.route ?? structured.agent;
    if (typeof pick === "string") {
      return {
        pick,
        ...(typeof structured.reason === "string" ? { reason: structured.reason } : {}),
      };
    }
  }
  const bare = text.trim().replace(/^["'`*]+|["'`*.!]+$/g, "");
  const exact = names.find((name) => name.toLowerCase() === bare.toLowerCase());
  if (exact) return { pick: exact };
  const mentioned = names.filter((name) =>
    new RegExp(`(^|[^\\p{L}\\p{N}_-])${escapeRegExp(name)}($|[^\\p{L}\\p{N}_-])`, "iu").test(text),
  );
  if (mentioned.length === 1) return { pick: mentioned[0]! };
  return bare === "" ? {} : { pick: bare };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
