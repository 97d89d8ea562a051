import { pendingApprovals } from "../durable/index.js";
import { formatTimestamp } from "../views/format-values.js";
import { formatTable } from "../views/text-table.js";
import type { CliContext } from "./cli-context.js";
import { ExitCode } from "./exit-code.js";
import { openStore, storeMissing } from "./open-store.js";

/** The flags of `baton approvals`. */
export interface ApprovalsCommandOptions {
  /** Only this run's pending approvals. */
  run?: string;
  /** Print a JSON array instead of a table. @default false */
  json?: boolean;
  store?: string;
}

/**
 * `baton approvals`: the steps and tool calls waiting for a human decision, with the
 * command that decides each.
 */
export async function approvalsCommand(
  options: ApprovalsCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const { json = false } = options;
  if (storeMissing(context, options.store)) {
    context.stdout.write(json ? "[]\n" : "No approvals are waiting (no store yet).\n");
    return ExitCode.success;
  }
  const store = await openStore(context, options.store, { readOnly: true });
  try {
    const pending = await pendingApprovals({
      store,
      ...(options.run !== undefined ? { runId: options.run } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    if (json) {
      context.stdout.write(`${JSON.stringify(pending, null, 2)}\n`);
      return ExitCode.success;
    }
    if (pending.length === 0) {
      context.stdout.write("No approvals are waiting.\n");
      return ExitCode.success;
    }
    const rows = pending.map((item) => [
      item.runId,
      item.workflow ?? "",
      item.stepId,
      item.tool ? `${item.tool} (${item.toolCallId ?? "?"})` : "",
      formatTimestamp(item.requestedAt),
      item.message ?? "",
    ]);
    context.stdout.write(
      `${formatTable(["run", "workflow", "step", "tool call", "requested (UTC)", "message"], rows)}\n`,
    );
    context.stdout.write("Decide with: baton approve|reject <run> <step> [--comment text]\n");
    return ExitCode.success;
  } finally {
    await store.close();
  }
}
