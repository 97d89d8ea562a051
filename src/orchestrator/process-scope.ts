import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Agent,
  BatonError,
  type Runnable,
  type StepContext,
  type Workflow,
  type WorkflowResult,
} from "../index.js";

/** How `ProcessScope.runChild` runs a planning or delegation workflow. */
export interface ChildRunOptions {
  /** Also stops the child run (the tool call's signal). @default only the main step's */
  signal?: AbortSignal | undefined;
  /** Steps of the child run at once. @default Infinity */
  concurrency?: number;
  /** Models the child's agents fall back to. @default the agents' own */
  fallbackModels?: readonly string[] | undefined;
}

/**
 * What one `process()` run shares with the orchestration tools its main agent calls: the
 * main step's context (signal, emit, and `run`, which starts child runs on the run's gate,
 * store and stream, billed to the step) and the subagents planned during the run.
 */
export class ProcessScope {
  readonly step: StepContext;
  readonly planned = new Map<string, Agent<unknown>>();

  constructor(step: StepContext) {
    this.step = step;
  }

  /**
   * Runs `flow` as a child run of the `process()` run (`parentId` set, its events on the
   * run's stream); what it spends is billed to the main step, when it fails too.
   * @throws WorkflowError when the child run does not succeed
   */
  runChild<Input>(
    flow: Workflow<Input>,
    input: Input,
    { signal, concurrency, fallbackModels }: ChildRunOptions = {},
  ): Promise<WorkflowResult> {
    const child: Runnable<Input, WorkflowResult> = {
      name: flow.name,
      kind: "workflow",
      run: (given, options = {}) =>
        flow.run(given, {
          ...options,
          ...(signal
            ? { signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal }
            : {}),
          ...(concurrency !== undefined ? { concurrency } : {}),
        }),
    };
    return this.step.run(child, input, fallbackModels ? { fallbackModels } : {});
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
