import {
  type Agent,
  BatonError,
  runContextOf,
  type StepContext,
  type Workflow,
  type WorkflowResult,
} from "../index.js";

/** How `ProcessScope.runChild` runs a planning or delegation workflow. */
export interface ChildRunOptions {
  /** Also stops the child run (the tool call's signal). @default only the main step's */
  signal?: AbortSignal | undefined;
  /** Models the child's agents fall back to. @default the agents' own */
  fallbackModels?: readonly string[] | undefined;
  /**
   * Names the child run within the main step (`StepRunOptions.key`): a resumed main step
   * finds it again by this key (the tool call that started it).
   */
  key?: string | undefined;
}

/**
 * What one `process()` run shares with the orchestration tools its main agent calls: the
 * main step's context (signal, emit, and `run`, which starts child runs on the run's gate,
 * store and stream, billed to the step) and the subagents planned during the run. The
 * orchestrator keeps the scopes of its live runs by run id; a tool finds its own through
 * the run context its tool options carry.
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
    { signal, fallbackModels, key }: ChildRunOptions = {},
  ): Promise<WorkflowResult> {
    return this.step.run(flow, input, {
      ...(signal ? { signal } : {}),
      ...(fallbackModels ? { fallbackModels } : {}),
      ...(key ? { key } : {}),
    });
  }
}

/** The scope of the `process()` run whose main agent called a tool; throws outside one. */
export function processScopeOf(
  scopes: ReadonlyMap<string, ProcessScope>,
  toolOptions: unknown,
  tool: string,
): ProcessScope {
  const context = runContextOf(toolOptions);
  const scope = context ? scopes.get(context.runId) : undefined;
  if (!scope) {
    throw new BatonError(
      `The ${tool} tool only works inside Orchestrator.process(): it needs the run it belongs to`,
    );
  }
  return scope;
}
