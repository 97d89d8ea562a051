import type { ToolExecutionOptions, ToolSet } from "ai";
import { runContextOf } from "../agents/instrument-tools.js";
import { BatonError } from "../core/errors/baton-error.js";
import { ConfigurationError } from "../core/errors/configuration-error.js";
import { errorMarker } from "../core/errors/error-marker.js";

export interface RequiresApprovalOptions {
  /**
   * What the person deciding is asked; a function gets the tool's name and input.
   * @default `Run tool "<name>" with <input as JSON>?`
   */
  message?: string | ((call: { tool: string; input: unknown }) => string);
}

const rejectedName = "ToolCallRejectedError";
const rejectedMarker = errorMarker(rejectedName);
const pendingName = "ApprovalPendingError";
const pendingMarker = errorMarker(pendingName);

/** A tool call that needed approval was rejected: the model is told so (with the comment). */
export class ToolCallRejectedError extends BatonError {
  readonly [rejectedMarker] = true;
  readonly tool: string;
  readonly comment: string | undefined;

  constructor(options: { tool: string; comment?: string }) {
    super(
      `A person rejected this call of tool "${options.tool}"${options.comment ? `: ${options.comment}` : ""}. Do not retry it.`,
      { code: "tool-call-rejected" },
    );
    this.name = rejectedName;
    this.tool = options.tool;
    this.comment = options.comment;
  }

  static override isInstance(error: unknown): error is ToolCallRejectedError {
    return BatonError.hasMarker(error, rejectedMarker);
  }
}

/**
 * A tool call stopped to wait for a human decision. The tool throws it to end the agent's
 * turn; the run reads the wait off the step's approvals, not off this error.
 */
export class ApprovalPendingError extends BatonError {
  readonly [pendingMarker] = true;
  readonly toolCallId: string;

  constructor(options: { tool: string; toolCallId: string; stepId: string }) {
    super(
      `Tool "${options.tool}" (call ${options.toolCallId}) in step "${options.stepId}" waits for approval`,
      { code: "approval-pending" },
    );
    this.name = pendingName;
    this.toolCallId = options.toolCallId;
  }

  static override isInstance(error: unknown): error is ApprovalPendingError {
    return BatonError.hasMarker(error, pendingMarker);
  }
}

/** Stable JSON (keys sorted), to recognise the same input again. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return item;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(item).sort())
      sorted[key] = (item as Record<string, unknown>)[key];
    return sorted;
  });
}

/**
 * Tools that a person must approve before each call runs. When the model calls one
 * inside a workflow step, the call is logged as an `approval-request` and the step stops
 * (other branches go on); the run ends `waiting` and may be left for days. Once the call
 * is approved (`approve(runId, stepId)`), the step runs again and the call with the same
 * tool name and input goes through; a rejected call is reported to the model as an error
 * with the comment. The step's agent runs again from the start when the step resumes, so
 * its model calls before the tool call are made again.
 *
 * @example
 * const mailer = agent({ name: "mailer", model, tools: { ...requiresApproval({ sendEmail }), search } });
 */
export function requiresApproval<Tools extends ToolSet>(
  tools: Tools,
  options: RequiresApprovalOptions = {},
): Tools {
  if (typeof tools !== "object" || tools === null || Array.isArray(tools)) {
    throw new TypeError(
      `requiresApproval: expected an object of tools by name ({ sendEmail }), received ${Array.isArray(tools) ? "an array" : String(tools)}`,
    );
  }
  const { message } = options;
  if (message !== undefined && typeof message !== "string" && typeof message !== "function") {
    throw new TypeError(
      `requiresApproval: expected options.message to be a string or a function, received ${typeof message}`,
    );
  }
  const wrapped: ToolSet = {};
  for (const [name, tool] of Object.entries(tools)) {
    const execute = tool.execute as
      | ((input: unknown, options: ToolExecutionOptions<unknown>) => unknown)
      | undefined;
    if (typeof execute !== "function") {
      throw new TypeError(
        `requiresApproval: tool "${name}" has no execute function, so there is nothing to approve`,
      );
    }
    wrapped[name] = {
      ...tool,
      execute: (input: unknown, toolOptions: ToolExecutionOptions<unknown>) => {
        const context = runContextOf(toolOptions);
        if (!context) {
          throw new ConfigurationError(
            `Tool "${name}" requires approval, so it must run inside a workflow step (an agent step of a run), where the run can wait for the decision`,
          );
        }
        const { approvals } = context;
        const key = canonical(input);
        const decided = approvals.records.find(
          (record) =>
            record.decision !== undefined &&
            (record.toolCallId === toolOptions.toolCallId ||
              (record.tool === name && canonical(record.input) === key)) &&
            approvals.consume(record),
        );
        if (decided?.decision) {
          if (!decided.decision.approved) {
            throw new ToolCallRejectedError({
              tool: name,
              ...(decided.decision.comment !== undefined
                ? { comment: decided.decision.comment }
                : {}),
            });
          }
          // The approved call ran in an earlier attempt of the step: never run it twice.
          if (decided.output) return decided.output.value;
          return Promise.resolve(execute(input, toolOptions)).then((output) => {
            approvals.recordOutput(decided.toolCallId, output);
            return output;
          });
        }
        const text =
          typeof message === "function"
            ? message({ tool: name, input })
            : (message ?? `Run tool "${name}" with ${key}?`);
        approvals.request({ toolCallId: toolOptions.toolCallId, tool: name, input, message: text });
        throw new ApprovalPendingError({
          tool: name,
          toolCallId: toolOptions.toolCallId,
          stepId: context.stepId,
        });
      },
    } as ToolSet[string];
  }
  return wrapped as Tools;
}
