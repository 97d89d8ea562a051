/**
 * Specs: workflows and orchestrators written in YAML or JSON (one format; `kind:
 * orchestrator` for an orchestrator), validated with every problem named by its path and
 * line, and built into a runnable workflow (`buildWorkflow`) or, from baton-ai/orchestrator,
 * an orchestrator (`buildOrchestrator`). `specTools` builds the tools a spec configures.
 * @module baton/spec
 */
import "../require-supported-node.js";

export { type BuildWorkflowOptions, buildWorkflow } from "./build-workflow.js";
export { type LoadSpecOptions, loadSpec } from "./load-spec.js";
export { type ParseSpecOptions, parseSpec } from "./parse-spec.js";
export { resolveSpecInputs } from "./resolve-spec-inputs.js";
export {
  type SpecAgentFields,
  type SpecAgents,
  type SpecAgentsOptions,
  specAgents,
} from "./spec-agents.js";
export { SpecError, type SpecIssue } from "./spec-error.js";
export { specJsonSchema } from "./spec-json-schema.js";
export type {
  AgentSpec,
  InputSpec,
  OrchestratorSpec,
  OrchestratorSpecInput,
  ProviderSpec,
  Spec,
  SpecKind,
  StepSpec,
  ToolSpec,
  ToolType,
  WorkflowSpec,
  WorkflowSpecInput,
} from "./spec-schema.js";
export {
  orchestratorSpecSchema,
  SPEC_KINDS,
  specKindOf,
  TOOL_TYPES,
  workflowSpecSchema,
} from "./spec-schema.js";
export {
  expandVariables,
  type SpecToolSet,
  type SpecToolsOptions,
  specTools,
} from "./spec-tools.js";
export { type SpecDefinition, SpecWorkflow } from "./spec-workflow.js";
export { type SpecOfKind, type ValidateSpecOptions, validateSpec } from "./validate-spec.js";
