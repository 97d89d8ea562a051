import {
  type Agent,
  type AgentInput,
  type Clock,
  type RetryOptions,
  type StartOptions,
  workflow,
} from "../index.js";
import type { OrchestratorEvent } from "./event-hub.js";
import type { Task, TaskRecord } from "./task.js";

export interface SubmitOptions<Output = unknown> {
  /** Higher starts first when more tasks wait than may run at once. @default 0 */
  priority?: number;
  /** Kept on the task and stored with its run record. @default {} */
  metadata?: Record<string, unknown>;
  /** Called with the task when it ends, whatever the outcome. */
  callback?: (task: Task<Output>) => void;
  /** Cancels the task (waiting or running). */
  signal?: AbortSignal;
}

/** What a task needs from its orchestrator (internal). */
export interface TaskHost {
  agent: Agent<unknown>;
  startOptions: StartOptions;
  stepOptions: {
    retry?: RetryOptions | number;
    timeout?: number;
    fallbackModels?: readonly string[];
  };
  orchestrator: string;
  clock: Clock;
  dispatch(event: OrchestratorEvent): void;
}

function answerOf(output: unknown): unknown {
  if (typeof output !== "object" || output === null) return output;
  const record = output as { output?: unknown; text?: unknown };
  return record.output !== undefined ? record.output : record.text;
}

/**
 * Runs one submitted task as a one-step workflow (so it is logged, retried, budgeted and
 * observable like any run) and records how it ended on the task.
 */
export async function runTask(task: TaskRecord, host: TaskHost): Promise<void> {
  try {
    await execute(task, host);
  } catch (error) {
    // Only a bug gets here (runs report failures in their result); the task must still end.
    if (task.completedAt !== undefined) return;
    task.error = error instanceof Error ? error : new Error(String(error));
    task.finish("failed", host.clock.now());
    host.dispatch({ type: "task-error", at: host.clock.now(), task });
  }
}

async function execute(task: TaskRecord, host: TaskHost): Promise<void> {
  const { agent, clock, dispatch, stepOptions } = host;
  task.status = "running";
  task.startedAt = clock.now();
  dispatch({ type: "task-start", at: task.startedAt, task });
  const { retry, timeout, fallbackModels } = stepOptions;
  const flow = workflow<AgentInput>("task").step(agent.name, agent, {
    // Messages go to the agent as they are (an agent step would get non-strings as JSON).
    input: ({ input }) => input,
    ...(retry !== undefined ? { retry } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    ...(fallbackModels !== undefined ? { fallbackModels } : {}),
  });
  let run: ReturnType<typeof flow.start>;
  try {
    run = flow.start(task.input, {
      ...host.startOptions,
      // Not `orchestrator`: that key marks an orchestrator's process() runs.
      metadata: {
        ...task.metadata,
        task: task.id,
        priority: task.priority,
        taskOf: host.orchestrator,
      },
    });
  } catch (error) {
    task.error = error instanceof Error ? error : new Error(String(error));
    task.finish("failed", clock.now());
    dispatch({ type: "task-error", at: clock.now(), task });
    return;
  }
  task.runId = run.id;
  task.cancel = (reason) => run.cancel(reason);
  const relayed = (async () => {
    for await (const event of run.events) dispatch(event);
  })();
  const result = await run.result;
  await relayed;
  task.usage = result.usage;
  task.cost = result.cost;
  if (result.status === "succeeded") {
    task.output = answerOf(result.output);
    task.finish("succeeded", clock.now());
    dispatch({ type: "task-end", at: clock.now(), task });
    return;
  }
  task.error = result.error ?? new Error(`Task ${task.id} ended ${result.status}`);
  task.finish(result.status === "cancelled" ? "cancelled" : "failed", clock.now());
  dispatch({ type: "task-error", at: clock.now(), task });
}
