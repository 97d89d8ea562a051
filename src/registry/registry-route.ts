import {
  type AgentInput,
  type AgentResult,
  type Outcome,
  type RunContext,
  type Runnable,
  WorkflowError,
  type WorkflowRunOptions,
  workflow,
} from "../index.js";

/**
 * A registry's route to a capability, as something a workflow step, a pattern or a
 * delegation runs like an agent: each execution picks an agent from the registry (healthy
 * first, then by priority, then by load) and falls back to the next one when it fails.
 * Made by `registry.route(capability)`.
 */
export class RegistryRoute<Input = AgentInput, Output = AgentResult>
  implements Runnable<Input, Output>
{
  readonly kind = "agent" as const;
  readonly name: string;
  /** The capability the route serves. */
  readonly capability: string;
  /** What a model delegating to the route is told it does (an orchestrator's main agent). */
  readonly description: string;
  readonly #execute: (input: Input, context: RunContext) => Promise<Outcome<Output>>;

  constructor(options: {
    name: string;
    capability: string;
    description: string;
    execute: (input: Input, context: RunContext) => Promise<Outcome<Output>>;
  }) {
    this.name = options.name;
    this.capability = options.capability;
    this.description = options.description;
    this.#execute = options.execute;
  }

  /**
   * Runs the route once as part of a run: the agent it picks runs under `context` (the
   * run's gate, clock, signal and log). Resolves with the outcome of the agent that
   * answered, or of the last one that failed, with what every tried agent spent.
   */
  execute(input: Input, context: RunContext): Promise<Outcome<Output>> {
    return this.#execute(input, context);
  }

  /**
   * Runs the route on its own (as a one-step workflow) and resolves with the answering
   * agent's output (an agent's `AgentResult`).
   * @throws the last agent's error, or a `RegistryError` (`no-agent-available`).
   */
  async run(input: Input, options: WorkflowRunOptions = {}): Promise<Output> {
    try {
      const result = await workflow<Input>(this.name).step("route", this).run(input, options);
      return result.steps.route?.output as Output;
    } catch (error) {
      if (WorkflowError.isInstance(error) && error.result.error) throw error.result.error;
      throw error;
    }
  }
}
