import { ConfigurationError } from "../errors/configuration-error.js";
import type { CompiledGraph } from "../workflow/compile-graph.js";
import type { RouteContext } from "../workflow/step-options.js";

/**
 * Asks a routing step which successors run, as step indices. Throws `ConfigurationError`
 * when the route names a step that is not one of its successors.
 */
export function resolveRoute(graph: CompiledGraph, index: number, context: RouteContext): number[] {
  const { steps, ids, indexOf, successors } = graph;
  const step = steps[index]!;
  const picked = step.options.route!(context);
  const names = typeof picked === "string" ? [picked] : picked;
  if (!Array.isArray(names)) {
    throw new TypeError(`Step "${step.id}" route: expected a step id or an array of step ids`);
  }
  return names.map((name) => {
    const next = indexOf.get(name);
    if (next === undefined || !successors[index]!.includes(next)) {
      const options = successors[index]!.map((candidate) => `"${ids[candidate]}"`).join(", ");
      throw new ConfigurationError(
        `Step "${step.id}" routed to "${String(name)}", which is not one of its successors (${options})`,
        { path: `${step.id}.route` },
      );
    }
    return next;
  });
}
