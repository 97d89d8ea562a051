import { type DurableStartOptions, isOwnerGone, resume } from "../durable/index.js";
import {
  type Clock,
  type IdGenerator,
  type RunRecord,
  type RunStore,
  redactSecrets,
} from "../engine/index.js";
import { type AgentInput, type RetryOptions, type Workflow, workflow } from "../index.js";
import type { OrchestratorEvent } from "./event-hub.js";
import type { Subagent } from "./orchestrator-options.js";
import { type Task, type TaskInfo, TaskRecord, type TaskStatus } from "./task.js";

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

/** What the task runner needs from its orchestrator (internal). */
export interface TaskRunnerHost {
  /** The orchestrator's name: its tasks' runs say so (`taskOf`). */
  name: string;
  store: RunStore;
  clock: Clock;
  ids: IdGenerator;
  /** Tasks running at once, at most. */
  maxParallel: number;
  /** How long an owner's heartbeat may be silent before its running task is taken over. */
  staleAfterMs: number;
  /** The options every task's run starts with (budget, limits, breakers). */
  start: DurableStartOptions;
  /** Step options of every task (the orchestrator's `retry`, `timeout`, `fallbackModels`). */
  step: { retry?: RetryOptions | number; timeout?: number; fallbackModels?: readonly string[] };
  /** A registered subagent by name, to rebuild a stored task's run. */
  agentNamed(name: string): Subagent | undefined;
  dispatch(event: OrchestratorEvent): void;
}

/** The run metadata keys a task's run carries besides the user's own. */
const TASK_KEYS = ["taskOf", "task", "agent", "priority", "sequence"] as const;

function answerOf(output: unknown): unknown {
  if (typeof output !== "object" || output === null) return output;
  const record = output as { output?: unknown; text?: unknown };
  return record.output !== undefined ? record.output : record.text;
}

const statusOfRun: Record<RunRecord["status"], TaskStatus> = {
  pending: "queued",
  running: "running",
  waiting: "running",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
};

/**
 * The orchestrator's task queue, kept in its run store: each task is a run of a one-step
 * workflow (`task:<agent>`), recorded `pending` with its priority the moment it is
 * submitted. Queued tasks start highest priority first, at most `maxParallel` at once,
 * through `resume`, so a running task has an owner and a heartbeat like any durable run.
 * After a crash, an orchestrator of the same name on the same store picks up the queued
 * tasks and the running ones whose owner is gone (`recover`), and runs them in priority
 * order (internal).
 */
export class TaskRunner {
  readonly #host: TaskRunnerHost;
  /** Tasks this process holds (queued or running here, or ended here), by id. */
  readonly #live = new Map<string, TaskRecord>();
  /** Their runs' records, written when they were submitted. */
  readonly #stored = new Map<string, Promise<void>>();
  readonly #queue: TaskRecord[] = [];
  /** One-step workflows by name (`task:<agent>`), what `resume` rebuilds a task's run from. */
  readonly #workflows: Record<string, Workflow> = {};
  #running = 0;
  #sequence = 0;
  /** No task starts before the store's queue is read: priorities hold across a restart. */
  #ready = false;

  constructor(host: TaskRunnerHost) {
    this.#host = host;
  }

  /** Queues `input` for `agent`, recording the task in the store at once. */
  submit<Output>(
    runner: Subagent,
    input: AgentInput,
    { priority = 0, metadata = {} }: { priority?: number; metadata?: Record<string, unknown> },
  ): TaskRecord<Output> {
    const { clock, ids, store, name } = this.#host;
    this.#workflowFor(runner);
    const task = new TaskRecord<Output>({
      id: ids.next("task"),
      agent: runner.name,
      input,
      priority,
      metadata,
      createdAt: clock.now(),
      sequence: this.#sequence++,
    });
    this.#live.set(task.id, task as TaskRecord);
    const stored = store.createRun({
      id: task.id,
      workflow: `task:${runner.name}`,
      status: "pending",
      createdAt: task.createdAt,
      input: redactSecrets(input),
      metadata: redactSecrets({
        ...metadata,
        taskOf: name,
        task: task.id,
        agent: runner.name,
        priority,
        sequence: task.sequence,
      }),
    });
    stored.catch(() => {});
    this.#stored.set(task.id, stored);
    this.#enqueue(task as TaskRecord);
    return task;
  }

  /**
   * Reads the store's queue: this orchestrator's queued tasks, and its running tasks whose
   * owner is gone (a crashed process), join the queue; then tasks start. Call once.
   */
  async recover(): Promise<void> {
    const { store, name, clock, staleAfterMs } = this.#host;
    try {
      const records = await store.listRuns({ status: ["pending", "running", "waiting"] });
      const staleBefore = clock.now() - staleAfterMs;
      for (const record of records) {
        if (record.metadata?.taskOf !== name || this.#live.has(record.id)) continue;
        const abandoned =
          record.status === "pending" ||
          record.owner === undefined ||
          isOwnerGone(record.owner) ||
          (record.heartbeatAt ?? Number.NEGATIVE_INFINITY) < staleBefore;
        if (abandoned) this.#adopt(record);
      }
    } finally {
      this.#ready = true;
      this.#pump();
    }
  }

  /** A task of this orchestrator: live here, else as the store has it. */
  async get(id: string): Promise<TaskInfo | undefined> {
    const live = this.#live.get(id);
    if (live) return live;
    const record = await this.#host.store.getRun(id);
    if (!record || record.metadata?.taskOf !== this.#host.name) return undefined;
    return infoOf(record);
  }

  /** Cancels a queued or running task; `false` when it has ended or is not this process's. */
  async cancel(id: string, reason?: string): Promise<boolean> {
    const task = this.#live.get(id);
    if (!task) return false;
    if (task.status === "queued") {
      const index = this.#queue.indexOf(task);
      if (index >= 0) this.#queue.splice(index, 1);
      const { clock, store } = this.#host;
      await this.#stored.get(id)?.catch(() => {});
      await store
        .updateRun(id, {
          status: "cancelled",
          updatedAt: clock.now(),
          error: reason ?? "cancelled",
        })
        .catch(() => {});
      task.finish("cancelled", clock.now());
      this.#host.dispatch({ type: "task-error", at: clock.now(), task });
      return true;
    }
    if (task.status === "running" && task.cancel) {
      task.cancel(reason);
      return true;
    }
    return false;
  }

  #workflowFor(runner: Subagent): Workflow {
    const key = `task:${runner.name}`;
    let flow = this.#workflows[key];
    if (!flow) {
      const { retry, timeout, fallbackModels } = this.#host.step;
      flow = workflow<AgentInput>(key).step(runner.name, runner, {
        // Messages go to the agent as they are (an agent step would get non-strings as JSON).
        input: ({ input }) => input,
        ...(retry !== undefined ? { retry } : {}),
        ...(timeout !== undefined ? { timeout } : {}),
        ...(fallbackModels !== undefined ? { fallbackModels } : {}),
      }) as Workflow;
      this.#workflows[key] = flow;
    }
    return flow;
  }

  /** Takes a stored task into this process's queue. */
  #adopt(record: RunRecord): void {
    const meta = record.metadata ?? {};
    const agentName = String(meta.agent);
    const own = Object.fromEntries(
      Object.entries(meta).filter(([key]) => !(TASK_KEYS as readonly string[]).includes(key)),
    );
    const task = new TaskRecord({
      id: record.id,
      agent: agentName,
      input: record.input as AgentInput,
      priority: typeof meta.priority === "number" ? meta.priority : 0,
      metadata: own,
      createdAt: record.createdAt,
      sequence: typeof meta.sequence === "number" ? meta.sequence : 0,
    });
    this.#sequence = Math.max(this.#sequence, task.sequence + 1);
    this.#live.set(task.id, task);
    this.#stored.set(task.id, Promise.resolve());
    const runner = this.#host.agentNamed(agentName);
    if (!runner) {
      const { clock, store } = this.#host;
      task.error = new TypeError(
        `Task ${task.id} was submitted for agent "${agentName}", which this orchestrator does not have: register it (subagents, registerSubagent) to run its stored tasks`,
      );
      void store
        .updateRun(task.id, { status: "failed", updatedAt: clock.now(), error: task.error.message })
        .catch(() => {});
      task.finish("failed", clock.now());
      this.#host.dispatch({ type: "task-error", at: clock.now(), task });
      return;
    }
    this.#workflowFor(runner);
    this.#enqueue(task);
  }

  /** Queue order: highest priority first, then the first submitted. */
  #enqueue(task: TaskRecord): void {
    const index = this.#queue.findIndex(
      (other) =>
        other.priority < task.priority ||
        (other.priority === task.priority && other.sequence > task.sequence),
    );
    if (index === -1) this.#queue.push(task);
    else this.#queue.splice(index, 0, task);
    this.#pump();
  }

  #pump(): void {
    if (!this.#ready) return;
    while (this.#running < this.#host.maxParallel && this.#queue.length > 0) {
      const task = this.#queue.shift()!;
      this.#running++;
      void this.#run(task).finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }

  async #run(task: TaskRecord): Promise<void> {
    const { clock, dispatch, store, start } = this.#host;
    task.status = "running";
    task.startedAt = clock.now();
    dispatch({ type: "task-start", at: task.startedAt, task });
    const fail = (error: unknown) => {
      task.error = error instanceof Error ? error : new Error(String(error));
      task.finish("failed", clock.now());
      dispatch({ type: "task-error", at: clock.now(), task });
    };
    let run: Awaited<ReturnType<typeof resume>>;
    try {
      await this.#stored.get(task.id);
      run = await resume(task.id, {
        store,
        workflows: this.#workflows,
        clock,
        ids: this.#host.ids,
        staleAfterMs: this.#host.staleAfterMs,
        start,
      });
    } catch (error) {
      fail(error);
      return;
    }
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
}

/** A task as its run record tells it (a task this process does not hold). */
function infoOf(record: RunRecord): TaskInfo {
  const meta = record.metadata ?? {};
  const status = statusOfRun[record.status];
  return {
    id: record.id,
    runId: record.id,
    agent: String(meta.agent),
    input: record.input as AgentInput,
    priority: typeof meta.priority === "number" ? meta.priority : 0,
    metadata: Object.fromEntries(
      Object.entries(meta).filter(([key]) => !(TASK_KEYS as readonly string[]).includes(key)),
    ),
    status,
    output: status === "succeeded" ? answerOf(record.output) : undefined,
    error: record.error !== undefined ? new Error(record.error) : undefined,
    usage: undefined,
    cost: undefined,
    createdAt: record.createdAt,
    startedAt: undefined,
    completedAt:
      status === "succeeded" || status === "failed" || status === "cancelled"
        ? record.updatedAt
        : undefined,
  };
}
