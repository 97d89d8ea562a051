/**
 * Workflow specs: the same workflows as code, written in YAML or JSON, validated with
 * every problem named by its path, and built into a runnable workflow.
 * @module baton/spec
 */
import "../require-supported-node.js";

export { type BuildWorkflowOptions, buildWorkflow } from "./build-workflow.js";
export { type LoadSpecOptions, loadSpec } from "./load-spec.js";
export { type ParseSpecOptions, parseSpec } from "./parse-spec.js";
export { resolveSpecInputs } from "./resolve-spec-inputs.js";
export { SpecError, type SpecIssue } from "./spec-error.js";
export { specJsonSchema } from "./spec-json-schema.js";
export type {
  AgentSpec,
  InputSpec,
  ProviderSpec,
  StepSpec,
  WorkflowSpec,
  WorkflowSpecInput,
} from "./spec-schema.js";
export { workflowSpecSchema } from "./spec-schema.js";
export { type SpecDefinition, SpecWorkflow } from "./spec-workflow.js";
export { validateSpec } from "./validate-spec.js";
