import type { Runnable } from "../core/runnable.js";
import { Workflow } from "../core/workflow/workflow.js";
import { workflow } from "../runtime/workflow.js";
import { type BuildWorkflowOptions, buildWorkflow } from "../spec/build-workflow.js";
import type { SpecDefinition } from "../spec/spec-workflow.js";
import { DurableError } from "./durable-error.js";

/**
 * Code-defined workflows (and agents) by name, so a run can be rebuilt from the store:
 * the store keeps a run's workflow name, not its code. An agent stands for a one-step
 * workflow of the same name (what `schedule({ agent })` starts). Spec runs need no entry:
 * they are rebuilt from the spec they stored.
 * @example { report: reportFlow, "daily-digest": digestAgent }
 */
// biome-ignore lint/suspicious/noExplicitAny: workflows of any input type
export type WorkflowRegistry = Readonly<Record<string, Workflow<any> | Runnable<any>>>;

/** How a run's workflow is found again. */
export interface RebuildOptions {
  /** Code-defined workflows and agents by name. @default {} */
  workflows?: WorkflowRegistry;
  /** For spec runs: the tools, env (API keys) and clock `buildWorkflow` gets. @default {} */
  build?: BuildWorkflowOptions;
}

const agentWorkflows = new WeakMap<Runnable, Workflow>();

/** The one-step workflow an agent runs as when it is scheduled or resumed by name. */
export function agentWorkflow(name: string, agent: Runnable): Workflow {
  let flow = agentWorkflows.get(agent);
  if (!flow || flow.name !== name) {
    flow = workflow(name).step(agent.name, agent as Runnable<never>);
    agentWorkflows.set(agent, flow);
  }
  return flow;
}

export function isWorkflow(value: unknown): value is Workflow {
  return value instanceof Workflow;
}

export function isAgent(value: unknown): value is Runnable {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Runnable).kind === "agent" &&
    typeof (value as Runnable).execute === "function" &&
    typeof (value as Runnable).name === "string"
  );
}

/** The registered workflow (or agent, as its one-step workflow) named `name`, if any. */
export function lookupWorkflow(
  name: string,
  workflows: WorkflowRegistry | undefined,
): Workflow | undefined {
  if (!workflows) return undefined;
  const entry = Object.hasOwn(workflows, name) ? workflows[name] : undefined;
  if (entry !== undefined) return isWorkflow(entry) ? entry : agentWorkflow(name, entry);
  // Also found by the workflow's own name when it is registered under another key.
  for (const candidate of Object.values(workflows)) {
    if (isWorkflow(candidate) && candidate.name === name) return candidate;
  }
  return undefined;
}

function isSpecDefinition(definition: unknown): definition is SpecDefinition {
  return (
    typeof definition === "object" &&
    definition !== null &&
    (definition as SpecDefinition).kind === "spec" &&
    typeof (definition as SpecDefinition).spec === "object"
  );
}

/**
 * The workflow a stored run ran: the registered one of that name, else the one rebuilt
 * from the spec the run stored.
 * @throws DurableError (`workflow-not-found`) when neither is there.
 */
export function rebuildWorkflow(
  run: { id: string; workflow: string; definition?: unknown },
  { workflows, build }: RebuildOptions,
): Workflow {
  const registered = lookupWorkflow(run.workflow, workflows);
  if (registered) return registered;
  if (isSpecDefinition(run.definition)) return buildWorkflow(run.definition.spec, build);
  const known = Object.keys(workflows ?? {});
  throw new DurableError(
    `Run ${run.id} ran workflow "${run.workflow}", which is not a stored spec; pass it in options.workflows ` +
      `(${known.length > 0 ? `registered: ${known.join(", ")}` : "none registered"})`,
    { code: "workflow-not-found", runId: run.id },
  );
}

/** Whether `rebuildWorkflow` would find the run's workflow (without building it). */
export function canRebuild(
  run: { workflow: string; definition?: unknown },
  workflows: WorkflowRegistry | undefined,
): boolean {
  return lookupWorkflow(run.workflow, workflows) !== undefined || isSpecDefinition(run.definition);
}
