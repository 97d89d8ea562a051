/**
 * LangGraph.js (`@langchain/langgraph` 1.x) running the benchmark's workloads the way its users
 * would: a StateGraph with one node per step, edges from START, join edges (`addEdge([a, b], c)`)
 * for steps that wait on several others, `maxConcurrency` for a concurrency limit, and the
 * SqliteSaver checkpointer (`@langchain/langgraph-checkpoint-sqlite`) for the durable case, or
 * (the "langgraph-pg" column) the PostgresSaver (`@langchain/langgraph-checkpoint-postgres`).
 */
import { join } from "node:path";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { Contender, PreparedCase, Unsupported } from "../workloads/contender.js";
import { dependents } from "../workloads/contender.js";
import { callWithRetry } from "../workloads/fake-provider.js";
import type { WorkloadCase } from "../workloads/workload.js";

const State = Annotation.Root({
  /** The value a chain passes from step to step. */
  value: Annotation<number>({ reducer: (_previous, next) => next, default: () => 0 }),
  /** How many steps ended (each parallel branch adds 1). */
  ended: Annotation<number>({ reducer: (sum, next) => sum + next, default: () => 0 }),
});
type StateValue = typeof State.State;

/** The builder with node names widened to string: the graphs here are built in loops. */
interface LooseGraph {
  addNode(name: string, action: (state: StateValue) => Promise<Partial<StateValue>>): LooseGraph;
  addEdge(from: string | string[], to: string): LooseGraph;
  compile(options?: { checkpointer?: unknown }): {
    invoke(input: Partial<StateValue>, config: Record<string, unknown>): Promise<StateValue>;
  };
}

/** The PostgreSQL checkpointer, loaded only for its column (it brings the `pg` driver). */
async function postgresSaver(url: string) {
  const { PostgresSaver } = await import("@langchain/langgraph-checkpoint-postgres");
  const saver = PostgresSaver.fromConnString(url, { schema: `langgraph_${process.pid}` });
  await saver.setup();
  return saver;
}

export function createContender({
  store = "sqlite",
}: {
  store?: "sqlite" | "postgres";
} = {}): Contender {
  return {
    async prepare(workloadCase: WorkloadCase, { model, directory, provider, postgresUrl }) {
      const graph = new StateGraph(State) as unknown as LooseGraph;
      const isChain = workloadCase.shape.kind === "chain";
      const { llm } = workloadCase;
      for (const step of workloadCase.steps) {
        graph.addNode(step.id, async (state) => {
          // W8: an LLM call that waits out each 429's Retry-After, as a careful node would.
          if (llm && provider) return { ended: (await callWithRetry(provider, step.id)) ? 1 : 0 };
          return isChain
            ? { value: await model.call(step.id, state.value) }
            : { ended: (await model.call(step.id)) > 0 ? 1 : 0 };
        });
      }
      const next = dependents(workloadCase);
      for (const step of workloadCase.steps) {
        if (step.deps.length === 0) graph.addEdge(START, step.id);
        else if (step.deps.length === 1) graph.addEdge(step.deps[0]!, step.id);
        else graph.addEdge(step.deps, step.id);
        if (!next.has(step.id)) graph.addEdge(step.id, END);
      }
      let checkpointer: { close(): Promise<void> | void; saver: unknown } | undefined;
      if (workloadCase.durable && store === "postgres") {
        if (!postgresUrl) throw new Error("no PostgreSQL server for the bench");
        const saver = await postgresSaver(postgresUrl);
        checkpointer = { saver, close: () => saver.end() };
      } else if (workloadCase.durable) {
        const saver = SqliteSaver.fromConnString(join(directory, "langgraph.sqlite"));
        checkpointer = { saver, close: () => saver.db.close() };
      }
      const app = graph.compile(checkpointer ? { checkpointer: checkpointer.saver } : {});
      let runs = 0;
      const prepared: PreparedCase = {
        async run() {
          const config: Record<string, unknown> = {
            recursionLimit: workloadCase.steps.length + 10,
            configurable: { thread_id: `bench-${++runs}` },
          };
          const concurrency = workloadCase.concurrency ?? llm?.scriptConcurrency;
          if (concurrency !== undefined) config.maxConcurrency = concurrency;
          const state = await app.invoke({ value: 0 }, config);
          return isChain ? state.value : state.ended;
        },
        async close() {
          await checkpointer?.close();
        },
      };
      return prepared satisfies PreparedCase | Unsupported;
    },
  };
}
