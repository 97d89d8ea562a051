import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Agent,
  addCost,
  addUsage,
  BatonError,
  type CostBreakdown,
  emptyCost,
  emptyUsage,
  type RunnableOptions,
  type Usage,
} from "../index.js";

/**
 * What one `process()` run shares with the orchestration tools its main agent calls: the
 * engine's options for the main step (gate, linked emit, clock, signal, run id), the
 * subagents planned during the run, and what its delegations spent.
 */
export class ProcessScope {
  readonly options: RunnableOptions;
  readonly planned = new Map<string, Agent<unknown>>();
  usage: Usage = emptyUsage();
  cost: CostBreakdown = emptyCost();

  constructor(options: RunnableOptions) {
    this.options = options;
  }

  /** Adds what a planning or delegation run spent, so the main step is billed for it. */
  bill(spent: { usage?: Usage; cost?: CostBreakdown }): void {
    if (spent.usage) this.usage = addUsage(this.usage, spent.usage);
    if (spent.cost) this.cost = addCost(this.cost, spent.cost);
  }
}

const scopes = new AsyncLocalStorage<ProcessScope>();

/** Runs `fn` with `scope` as the current process scope. */
export function withProcessScope<T>(scope: ProcessScope, fn: () => Promise<T>): Promise<T> {
  return scopes.run(scope, fn);
}

/** The scope of the `process()` run calling a tool; throws outside one. */
export function currentProcessScope(tool: string): ProcessScope {
  const scope = scopes.getStore();
  if (!scope) {
    throw new BatonError(
      `The ${tool} tool only works inside Orchestrator.process(): it needs the run it belongs to`,
    );
  }
  return scope;
}
