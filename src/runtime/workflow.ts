import { Workflow, type WorkflowOptions } from "../core/workflow/workflow.js";
import { defaultRuntime } from "./default-runtime.js";

/**
 * Creates a workflow on the default runtime (system clock, random ids, an in-memory store
 * for runs started without one).
 * @example workflow("report", { failureMode: "continue" }).step("facts", researcher)
 */
export function workflow<Input = unknown>(
  name: string,
  options: WorkflowOptions = {},
): Workflow<Input> {
  return new Workflow<Input>(name, options, defaultRuntime);
}
