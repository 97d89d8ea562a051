import { approve, reject } from "../durable/index.js";
import type { CliContext } from "./cli-context.js";
import { ExitCode } from "./exit-code.js";
import { openStore } from "./open-store.js";

/** The flags of `baton approve` and `baton reject`. */
export interface DecisionCommandOptions {
  /** Why; kept with the decision in the run's log. */
  comment?: string;
  store?: string;
}

/**
 * `baton approve|reject <runId> <stepId>`: records a decision on a step that waits for
 * an approval. The run goes on when it is resumed (`baton resume`), or at once when the
 * process running it is alive and watching for decisions.
 */
export async function decisionCommand(
  decision: "approve" | "reject",
  runId: string,
  stepId: string,
  options: DecisionCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const store = await openStore(context, options.store, { mustExist: true });
  try {
    const decide = decision === "approve" ? approve : reject;
    const result = await decide(runId, stepId, {
      store,
      ...(options.comment !== undefined ? { comment: options.comment } : {}),
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const what = `${result.approved ? "Approved" : "Rejected"} step ${result.stepId}${
      result.toolCallId ? ` (tool call ${result.toolCallId})` : ""
    } of run ${result.runId}${options.comment ? `: ${options.comment}` : "."}`;
    const storeFlag = options.store ? ` --store ${JSON.stringify(options.store)}` : "";
    const next =
      result.delivery === "stored"
        ? `Continue the run: baton resume ${result.runId}${storeFlag}`
        : "The run has picked up the decision and goes on.";
    context.stdout.write(`${what}\n${next}\n`);
    return ExitCode.success;
  } finally {
    await store.close();
  }
}
