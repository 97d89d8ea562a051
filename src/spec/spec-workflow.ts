import type { Run, WorkflowResult } from "../core/run/run.js";
import type { StartOptions } from "../core/workflow/start-options.js";
import {
  Workflow,
  type WorkflowOptions,
  type WorkflowRunOptions,
} from "../core/workflow/workflow.js";
import { defaultRuntime } from "../runtime/default-runtime.js";
import { resolveSpecInputs } from "./resolve-spec-inputs.js";
import type { WorkflowSpec } from "./spec-schema.js";

/** What a run records as its `definition`, so it can be rebuilt from the spec on resume. */
export interface SpecDefinition {
  kind: "spec";
  spec: WorkflowSpec;
}

/**
 * A workflow built from a spec (by `buildWorkflow`). It is a `Workflow` in every way;
 * in addition `start` and `run` check the input against the spec's `inputs` (filling in
 * defaults), apply the spec's `concurrency`, `budget`, `limits` and `circuitBreaker`
 * unless the caller gives their own, and record the spec as the run's `definition`.
 */
export class SpecWorkflow extends Workflow<unknown> {
  readonly spec: WorkflowSpec;

  constructor(spec: WorkflowSpec, options: WorkflowOptions) {
    super(spec.name, options, defaultRuntime);
    this.spec = spec;
  }

  /** The start options the spec sets. */
  get startDefaults(): Pick<StartOptions, "concurrency" | "budget" | "limits" | "circuitBreaker"> {
    const { concurrency, budget, limits, circuitBreaker } = this.spec;
    return {
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(budget !== undefined ? { budget } : {}),
      ...(limits !== undefined ? { limits } : {}),
      ...(circuitBreaker !== undefined ? { circuitBreaker } : {}),
    };
  }

  /** @throws TypeError when the input does not fit the spec's `inputs`. */
  override start(input: unknown, options: StartOptions = {}): Run {
    const definition: SpecDefinition = { kind: "spec", spec: this.spec };
    return super.start(resolveSpecInputs(this.spec, input), {
      ...this.startDefaults,
      definition,
      ...options,
    });
  }

  override run(input: unknown, options: WorkflowRunOptions = {}): Promise<WorkflowResult> {
    let resolved: unknown;
    try {
      resolved = resolveSpecInputs(this.spec, input);
    } catch (error) {
      return Promise.reject(error);
    }
    return super.run(resolved, { ...this.startDefaults, ...options });
  }
}
