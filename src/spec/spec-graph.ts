import type { PathSegment } from "../core/options/option-path.js";

/** A step of a spec read defensively, for the spec checks (internal). */
export interface LooseStep {
  index: number;
  id: string | undefined;
  record: Record<string, unknown>;
  /** Dependencies that are strings, with their position in `dependsOn`. */
  dependsOn: Array<{ id: string; path: PathSegment[] }>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function collectSteps(value: unknown): LooseStep[] {
  if (!Array.isArray(value)) return [];
  const steps: LooseStep[] = [];
  value.forEach((record, index) => {
    if (!isRecord(record)) return;
    const dependsOn: LooseStep["dependsOn"] = [];
    if (typeof record.dependsOn === "string") {
      dependsOn.push({ id: record.dependsOn, path: ["steps", index, "dependsOn"] });
    } else if (Array.isArray(record.dependsOn)) {
      record.dependsOn.forEach((id, position) => {
        if (typeof id === "string")
          dependsOn.push({ id, path: ["steps", index, "dependsOn", position] });
      });
    }
    steps.push({
      index,
      id: typeof record.id === "string" ? record.id : undefined,
      record,
      dependsOn,
    });
  });
  return steps;
}

/**
 * The dependency graph of a spec's steps, for the spec checks (internal): its cycles, and
 * whether one step depends on another, directly or not. Built in time linear in steps and
 * dependencies, with loops rather than recursion, so a chain of any length listed in any
 * order is fine.
 *
 * Steps are grouped into strongly connected components (Tarjan's algorithm), numbered so
 * that a step's dependencies are never in a later component than its own. A spanning
 * forest over the components, with pre- and post-order numbers, answers "is A upstream of
 * B" at once when A is B's ancestor in the forest (always so in a chain or a tree); other
 * questions fall back to a search that never looks at components numbered before A's.
 */
export class SpecGraph {
  /** Each cycle once (one per group of steps that depend on each other), in running order. */
  readonly cycles: string[][];
  readonly #nodeOf = new Map<string, number>();
  readonly #nodes: LooseStep[];
  /** Dependencies by node, as nodes (known steps other than the node itself). */
  readonly #dependencies: number[][];
  readonly #component: Int32Array;
  readonly #componentCount: number;
  readonly #enter: Int32Array;
  readonly #exit: Int32Array;
  /** Marks of the fallback search, by node: the number of the search that saw it last. */
  readonly #seen: Int32Array;
  #searches = 0;

  /** `byId` names the step each id stands for (the last of duplicates). */
  constructor(byId: ReadonlyMap<string, LooseStep>) {
    this.#nodes = [...byId.values()];
    this.#nodes.forEach((step, node) => {
      this.#nodeOf.set(step.id!, node);
    });
    this.#dependencies = this.#nodes.map((step) => {
      const nodes: number[] = [];
      for (const dependency of step.dependsOn) {
        const node = this.#nodeOf.get(dependency.id);
        if (node !== undefined && dependency.id !== step.id) nodes.push(node);
      }
      return nodes;
    });
    const count = this.#nodes.length;
    this.#component = stronglyConnectedComponents(this.#dependencies);
    this.#componentCount = 0;
    for (const own of this.#component)
      if (own >= this.#componentCount) this.#componentCount = own + 1;
    [this.#enter, this.#exit] = this.#componentForest();
    this.#seen = new Int32Array(count);
    this.cycles = this.#findCycles();
  }

  /** A test of whether `step` depends on the step `id`, directly or through others. */
  upstreamOf(step: LooseStep): (id: string) => boolean {
    const own = step.id === undefined ? undefined : this.#nodeOf.get(step.id);
    if (own !== undefined && this.#nodes[own] === step) {
      return (id) => {
        const target = this.#nodeOf.get(id);
        return target !== undefined && this.#reaches(own, target);
      };
    }
    // A step the graph does not hold (a duplicate id): through its own dependencies.
    return (id) => {
      const target = this.#nodeOf.get(id);
      if (target === undefined || id === step.id) return false;
      return step.dependsOn.some(({ id: dependency }) => {
        const node = this.#nodeOf.get(dependency);
        return node !== undefined && (node === target || this.#reaches(node, target));
      });
    };
  }

  /** Whether `target` is upstream of `node`. */
  #reaches(node: number, target: number): boolean {
    if (node === target) return false;
    const component = this.#component;
    const goal = component[target]!;
    if (component[node] === goal) return true;
    if (goal > component[node]!) return false;
    if (this.#inForestBelow(goal, component[node]!)) return true;
    const search = ++this.#searches;
    const pending = [node];
    this.#seen[node] = search;
    while (pending.length > 0) {
      for (const next of this.#dependencies[pending.pop()!]!) {
        if (this.#seen[next] === search) continue;
        this.#seen[next] = search;
        const at = component[next]!;
        if (at === goal || this.#inForestBelow(goal, at)) return true;
        // Nothing in a component numbered before the target's can depend on it.
        if (at > goal) pending.push(next);
      }
    }
    return false;
  }

  /** Whether component `below` is `above` or under it in the forest. */
  #inForestBelow(above: number, below: number): boolean {
    return this.#enter[above]! <= this.#enter[below]! && this.#exit[below]! <= this.#exit[above]!;
  }

  /**
   * Pre- and post-order numbers of a forest over the components: each component's parent
   * is the component of the first dependency that leads out of it.
   */
  #componentForest(): [Int32Array, Int32Array] {
    const component = this.#component;
    const count = this.#componentCount;
    const parent = new Int32Array(count).fill(-1);
    this.#dependencies.forEach((dependencies, node) => {
      const own = component[node]!;
      if (parent[own] !== -1) return;
      const out = dependencies.find((dependency) => component[dependency] !== own);
      if (out !== undefined) parent[own] = component[out]!;
    });
    // Children as one array sliced by offsets: a chain of 100,000 steps makes no 100,000 arrays.
    const offsets = new Int32Array(count + 1);
    for (let at = 0; at < count; at++) if (parent[at] !== -1) offsets[parent[at]! + 1]!++;
    for (let at = 0; at < count; at++) offsets[at + 1]! += offsets[at]!;
    const children = new Int32Array(offsets[count]!);
    const filled = offsets.slice(0, count);
    for (let at = 0; at < count; at++) if (parent[at] !== -1) children[filled[parent[at]!]!++] = at;
    const enter = new Int32Array(count);
    const exit = new Int32Array(count);
    let clock = 0;
    const pending: number[] = [];
    for (let root = 0; root < count; root++) {
      if (parent[root] !== -1) continue;
      // Each component is pushed twice: once to enter it (>= 0), once to leave it (~index).
      pending.push(~root, root);
      while (pending.length > 0) {
        const at = pending.pop()!;
        if (at < 0) {
          exit[~at] = clock++;
          continue;
        }
        enter[at] = clock++;
        for (let child = offsets[at]!; child < offsets[at + 1]!; child++)
          pending.push(~children[child]!, children[child]!);
      }
    }
    return [enter, exit];
  }

  /**
   * One cycle per component of more than one step: the shortest way round from its
   * earliest listed step, shown in running order (a step before the steps that need it).
   */
  #findCycles(): string[][] {
    const component = this.#component;
    const nodes = this.#nodes;
    const start = new Int32Array(this.#componentCount).fill(-1);
    const size = new Int32Array(this.#componentCount);
    for (let node = 0; node < nodes.length; node++) {
      const own = component[node]!;
      size[own]!++;
      if (start[own] === -1 || nodes[node]!.index < nodes[start[own]!]!.index) start[own] = node;
    }
    const previous = new Int32Array(nodes.length).fill(-1);
    const cycles: Array<{ at: number; cycle: string[] }> = [];
    for (let own = 0; own < this.#componentCount; own++) {
      if (size[own]! < 2) continue;
      const first = start[own]!;
      // Breadth-first along dependencies, inside the component, back to the start.
      const queue = [first];
      let last = -1;
      for (let head = 0; head < queue.length && last === -1; head++) {
        const node = queue[head]!;
        for (const next of this.#dependencies[node]!) {
          if (component[next] !== own) continue;
          if (next === first) {
            last = node;
            break;
          }
          if (previous[next] !== -1) continue;
          previous[next] = node;
          queue.push(next);
        }
      }
      // first -> ... -> last follows dependencies, and last depends on first.
      const path: number[] = [];
      for (let node = last; node !== first; node = previous[node]!) path.push(node);
      const cycle = [first, ...path].map((node) => nodes[node]!.id!);
      cycles.push({ at: nodes[first]!.index, cycle });
    }
    return cycles.sort((a, b) => a.at - b.at).map(({ cycle }) => cycle);
  }
}

/**
 * Tarjan's strongly connected components over `edges` (node -> nodes), without recursion.
 * Components are numbered in the order they complete, so an edge never leads to a
 * component numbered after its own.
 */
function stronglyConnectedComponents(edges: readonly (readonly number[])[]): Int32Array {
  const count = edges.length;
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const component = new Int32Array(count).fill(-1);
  const cursor = new Int32Array(count);
  const stack: number[] = [];
  const path: number[] = [];
  let visited = 0;
  let components = 0;
  const enter = (node: number) => {
    order[node] = low[node] = visited++;
    stack.push(node);
    onStack[node] = 1;
    path.push(node);
  };
  for (let root = 0; root < count; root++) {
    if (order[root] !== -1) continue;
    enter(root);
    while (path.length > 0) {
      const node = path.at(-1)!;
      const next = edges[node]![cursor[node]!];
      if (next !== undefined) {
        cursor[node]!++;
        if (order[next] === -1) enter(next);
        else if (onStack[next]) low[node] = Math.min(low[node]!, order[next]!);
        continue;
      }
      path.pop();
      if (low[node] === order[node]) {
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component[member] = components;
        } while (member !== node);
        components++;
      }
      const parent = path.at(-1);
      if (parent !== undefined) low[parent] = Math.min(low[parent]!, low[node]!);
    }
  }
  return component;
}
