import { ConfigurationError } from "../errors/configuration-error.js";
import { remainingPathLengths } from "../scheduler/critical-path.js";
import type { StepDefinition } from "./step-options.js";

/** A workflow's steps as index-based arrays, checked and ready to schedule. */
export interface CompiledGraph {
  readonly name: string;
  readonly steps: readonly StepDefinition[];
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  readonly dependencies: readonly (readonly number[])[];
  readonly successors: readonly (readonly number[])[];
  /** A topological order. */
  readonly order: readonly number[];
  readonly priority: Float64Array;
  /** Longest remaining path to the end, in `estimatedMs` (1 per step without one). */
  readonly rank: Float64Array;
  /** Steps no other step depends on. */
  readonly sinks: readonly number[];
  /**
   * The ids of the steps step `index` depends on, directly or not (computed on first use):
   * the results a step run elsewhere needs.
   */
  ancestors(index: number): readonly string[];
}

/** A read-only description of a workflow, for flowcharts and tools. */
export interface WorkflowGraph {
  name: string;
  steps: readonly WorkflowGraphStep[];
  edges: readonly { from: string; to: string }[];
}

export interface WorkflowGraphStep {
  id: string;
  kind: StepDefinition["kind"];
  /** The agent's or sub-workflow's name. */
  target: string | undefined;
  dependsOn: readonly string[];
  priority: number;
  estimatedMs: number | undefined;
  /** The longest remaining path to the end, as the scheduler weighs it. */
  criticalPath: number;
  hasCondition: boolean;
  hasRoute: boolean;
  loop: { maxIterations: number } | undefined;
  quorum: number | undefined;
  approval: boolean;
}

/**
 * Checks a workflow's graph (unknown dependencies, cycles, routes without successors)
 * and computes what the scheduler needs. Throws `ConfigurationError` naming the step.
 */
export function compileGraph(name: string, steps: readonly StepDefinition[]): CompiledGraph {
  const count = steps.length;
  const indexOf = new Map<string, number>();
  for (const [index, step] of steps.entries()) indexOf.set(step.id, index);
  const dependencies: number[][] = [];
  const successors: number[][] = steps.map(() => []);
  for (let index = 0; index < count; index++) {
    const step = steps[index]!;
    const deps: number[] = [];
    for (const dep of step.dependsOn) {
      const depIndex = indexOf.get(dep);
      if (depIndex === undefined) {
        throw new ConfigurationError(
          `Workflow "${name}": step "${step.id}" depends on unknown step "${dep}"`,
          { path: `${step.id}.dependsOn` },
        );
      }
      deps.push(depIndex);
      successors[depIndex]!.push(index);
    }
    dependencies.push(deps);
  }

  const inDegree = dependencies.map((deps) => deps.length);
  const order: number[] = [];
  for (let index = 0; index < count; index++) if (inDegree[index] === 0) order.push(index);
  for (let position = 0; position < order.length; position++) {
    for (const next of successors[order[position]!]!) {
      if (--inDegree[next]! === 0) order.push(next);
    }
  }
  if (order.length < count) {
    const cycle = findCycle(steps, dependencies, inDegree);
    throw new ConfigurationError(`Workflow "${name}" has a cycle: ${cycle.join(" -> ")}`, {
      path: `${cycle[0]}.dependsOn`,
    });
  }

  const priority = new Float64Array(count);
  const weight = new Float64Array(count);
  const sinks: number[] = [];
  for (let index = 0; index < count; index++) {
    const step = steps[index]!;
    priority[index] = step.options.priority ?? 0;
    weight[index] = step.options.estimatedMs ?? 1;
    if (successors[index]!.length === 0) {
      sinks.push(index);
      if (step.options.route) {
        throw new ConfigurationError(
          `Workflow "${name}": step "${step.id}" has a route but no step depends on it`,
          { path: `${step.id}.route` },
        );
      }
    }
  }
  const ids = steps.map((step) => step.id);
  const ancestors: (readonly string[] | undefined)[] = new Array(count);
  return {
    name,
    steps,
    ids,
    indexOf,
    dependencies,
    successors,
    order,
    priority,
    rank: remainingPathLengths(order, successors, weight),
    sinks,
    ancestors(index) {
      let found = ancestors[index];
      if (!found) {
        const seen = new Set<number>();
        const stack = [...dependencies[index]!];
        while (stack.length > 0) {
          const next = stack.pop()!;
          if (seen.has(next)) continue;
          seen.add(next);
          stack.push(...dependencies[next]!);
        }
        found = [...seen].sort((a, b) => a - b).map((at) => ids[at]!);
        ancestors[index] = found;
      }
      return found;
    },
  };
}

/**
 * A cycle among the steps Kahn's algorithm could not order, as ids, first id repeated last.
 * Linear: each step is visited once.
 */
function findCycle(
  steps: readonly StepDefinition[],
  dependencies: readonly (readonly number[])[],
  inDegree: readonly number[],
): string[] {
  const stuck = (index: number) => inDegree[index]! > 0;
  // Every stuck step has a stuck dependency, so walking back along them must revisit a step.
  const start = inDegree.findIndex((degree) => degree > 0);
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  let current = start;
  while (!seenAt.has(current)) {
    seenAt.set(current, path.length);
    path.push(current);
    current = dependencies[current]!.find(stuck)!;
  }
  // `path` follows dependencies (child -> parent); reverse it to read in execution order.
  const cycle = path.slice(seenAt.get(current)!).reverse();
  return [...cycle, cycle[0]!].map((index) => steps[index]!.id);
}

/** The public description of a compiled graph. */
export function describeGraph(graph: CompiledGraph): WorkflowGraph {
  const steps = graph.steps.map((step, index): WorkflowGraphStep => {
    const { options } = step;
    return Object.freeze({
      id: step.id,
      kind: step.kind,
      target: step.kind === "function" ? undefined : (step.run as { name: string }).name,
      dependsOn: step.dependsOn,
      priority: graph.priority[index]!,
      estimatedMs: options.estimatedMs,
      criticalPath: graph.rank[index]!,
      hasCondition: options.when !== undefined,
      hasRoute: options.route !== undefined,
      loop: options.loop ? Object.freeze({ maxIterations: options.loop.maxIterations }) : undefined,
      quorum: options.quorum,
      approval: options.approval !== undefined && options.approval !== false,
    });
  });
  const edges = graph.steps.flatMap((step) =>
    step.dependsOn.map((from) => Object.freeze({ from, to: step.id })),
  );
  return Object.freeze({
    name: graph.name,
    steps: Object.freeze(steps),
    edges: Object.freeze(edges),
  });
}
