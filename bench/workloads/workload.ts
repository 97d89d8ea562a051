import { type LlmShape, llmDag, llmLowerBoundMs, W8_SEED } from "./llm-workload.js";
import { seededRandom } from "./seeded-random.js";

export { seededRandom };

/**
 * The benchmark's workloads, as plain data every contender (baseline, Baton, LangGraph.js,
 * Mastra) builds its own graph from. A step is a call to the fake model (fake-model.ts) that
 * waits `ms` milliseconds; `deps` are the steps that must end before it starts.
 */

export interface StepSpec {
  id: string;
  /** How long the fake model call takes, in ms (0 = one macrotask turn). */
  ms: number;
  /** Ids of the steps this one waits for. */
  deps: string[];
}

/** How the graph is shaped, so each library can express it the way its users would. */
export type WorkloadShape =
  | { kind: "chain" }
  | { kind: "fan-out" }
  | { kind: "layers"; layers: string[][] }
  | { kind: "chains"; chains: string[][] }
  | { kind: "dag" };

export interface WorkloadCase {
  /** Short label shown in tables, e.g. "1000 branches". */
  label: string;
  steps: StepSpec[];
  shape: WorkloadShape;
  /** Concurrency limit; undefined = unlimited. */
  concurrency?: number;
  /** Lower bound on the makespan in ms (what a perfect scheduler with free overhead reaches). */
  idealMs: number;
  /**
   * Whether every step is recorded in a SQLite file (W5), with each library's own store at
   * its defaults: all three run SQLite in WAL mode with `synchronous = NORMAL` (Baton's
   * SqliteStore, better-sqlite3's default under LangGraph's SqliteSaver, and Mastra's
   * LibSQLStore, which sets it).
   */
  durable?: boolean;
  /**
   * Makes the case LLM-shaped (W8): each step is an agent call to one of several models
   * behind a rate-limited fake provider, instead of a call to the fake model.
   */
  llm?: LlmShape;
}

export type WorkloadId = "W1" | "W2" | "W3" | "W4" | "W5" | "W6" | "W7" | "W8";

export interface Workload {
  id: WorkloadId;
  title: string;
  cases: WorkloadCase[];
}

export function chain(count: number, ms: number, prefix = "s"): StepSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}${index}`,
    ms,
    deps: index === 0 ? [] : [`${prefix}${index - 1}`],
  }));
}

export function fanOut(count: number, ms: number): StepSpec[] {
  return Array.from({ length: count }, (_, index) => ({ id: `b${index}`, ms, deps: [] }));
}

export function layers(depth: number, width: number, ms: number): StepSpec[][] {
  const result: StepSpec[][] = [];
  for (let layer = 0; layer < depth; layer++) {
    const previous = result[layer - 1]?.map((step) => step.id) ?? [];
    result.push(
      Array.from({ length: width }, (_, index) => ({
        id: `l${layer}n${index}`,
        ms,
        deps: previous,
      })),
    );
  }
  return result;
}

/**
 * A random DAG: step i takes 1-20 ms and, unless it is one of the ~5% roots, depends on 1-3
 * distinct steps among the 12 before it. That keeps the critical path about as long as the
 * total work divided by 4, so at concurrency 4 the order in which ready steps start matters
 * (a FIFO ready queue ends well after a critical-path-first one).
 */
export function randomDag(count: number, seed: number): StepSpec[] {
  const random = seededRandom(seed);
  const steps: StepSpec[] = [];
  for (let index = 0; index < count; index++) {
    const ms = 1 + Math.floor(random() * 20);
    const deps = new Set<string>();
    const wanted = index === 0 || random() < 0.05 ? 0 : 1 + Math.floor(random() * 3);
    const window = Math.min(index, 12);
    for (let pick = 0; pick < wanted; pick++) {
      deps.add(`d${index - 1 - Math.floor(random() * window)}`);
    }
    steps.push({ id: `d${index}`, ms, deps: [...deps] });
  }
  return steps;
}

/** The longest path through the graph, weighting each step by its duration. */
export function criticalPathMs(steps: readonly StepSpec[]): number {
  const finish = new Map<string, number>();
  let longest = 0;
  for (const step of steps) {
    let start = 0;
    for (const dep of step.deps) start = Math.max(start, finish.get(dep) ?? 0);
    const end = start + step.ms;
    finish.set(step.id, end);
    longest = Math.max(longest, end);
  }
  return longest;
}

export function totalWorkMs(steps: readonly StepSpec[]): number {
  return steps.reduce((sum, step) => sum + step.ms, 0);
}

const W7_SEED = 20_260_101;

export const workloads: readonly Workload[] = [
  {
    id: "W1",
    title: "W1: chain of 200 steps, 0 ms each (per-step overhead)",
    cases: [{ label: "200 steps", steps: chain(200, 0), shape: { kind: "chain" }, idealMs: 0 }],
  },
  {
    id: "W2",
    title: "W2: 100 parallel branches of 50 ms",
    cases: [
      { label: "100 branches", steps: fanOut(100, 50), shape: { kind: "fan-out" }, idealMs: 50 },
    ],
  },
  {
    id: "W3",
    title: "W3: 1000 and 2000 parallel branches of 10 ms",
    cases: [1000, 2000].map((count) => ({
      label: `${count} branches`,
      steps: fanOut(count, 10),
      shape: { kind: "fan-out" } as const,
      idealMs: 10,
    })),
  },
  {
    id: "W4",
    title: "W4: 50 layers x 4 wide of 1 ms, each layer waits for the whole previous one",
    cases: [
      (() => {
        const grid = layers(50, 4, 1);
        return {
          label: "50x4",
          steps: grid.flat(),
          shape: { kind: "layers", layers: grid.map((layer) => layer.map((step) => step.id)) },
          idealMs: 50,
        } satisfies WorkloadCase;
      })(),
    ],
  },
  {
    id: "W5",
    title:
      "W5: chain of 200 steps, 0 ms each, every step recorded in SQLite (in PostgreSQL in the PostgreSQL columns)",
    cases: [
      {
        label: "200 steps, SQLite",
        steps: chain(200, 0),
        shape: { kind: "chain" },
        idealMs: 0,
        durable: true,
      },
    ],
  },
  {
    id: "W6",
    title: "W6: two independent chains run together, 5 x 21 ms and 21 x 5 ms",
    cases: [
      (() => {
        const slow = chain(5, 21, "a");
        const fast = chain(21, 5, "b");
        return {
          label: "5x21 + 21x5",
          steps: [...slow, ...fast],
          shape: {
            kind: "chains",
            chains: [slow.map((step) => step.id), fast.map((step) => step.id)],
          },
          idealMs: 105,
        } satisfies WorkloadCase;
      })(),
    ],
  },
  {
    id: "W7",
    title:
      "W7: random DAG of 500 steps (1-20 ms), concurrency 4; ideal = max(critical path, total work / 4)",
    cases: [
      (() => {
        const steps = randomDag(500, W7_SEED);
        return {
          label: "500 steps, c=4",
          steps,
          shape: { kind: "dag" },
          concurrency: 4,
          idealMs: Math.max(criticalPathMs(steps), totalWorkMs(steps) / 4),
        } satisfies WorkloadCase;
      })(),
    ],
  },
  {
    id: "W8",
    title:
      "W8: LLM-shaped DAG of 300 agent steps on 3 rate-limited models (RPM and TPM, 5% 429s with Retry-After, 20-200 ms); ideal = max(critical path, each model's capacity bound)",
    cases: [
      (() => {
        const { steps, llm } = llmDag(300, W8_SEED);
        const { boundMs } = llmLowerBoundMs(steps, llm, criticalPathMs(steps));
        return {
          label: "300 agent steps, 3 models",
          steps,
          shape: { kind: "dag" },
          idealMs: boundMs,
          llm,
        } satisfies WorkloadCase;
      })(),
    ],
  },
];

export function findWorkload(id: string): Workload | undefined {
  return workloads.find((workload) => workload.id === id);
}
