import type { AgentInput, CostBreakdown, Usage } from "../index.js";

export type TaskStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

/**
 * A unit of work given to `orchestrator.submit()`. The object is live: its fields change
 * as the task runs. `done` settles with it when it ends (it never rejects).
 */
export interface Task<Output = unknown> {
  readonly id: string;
  /** The agent that runs it. */
  readonly agent: string;
  readonly input: AgentInput;
  /** Higher starts first when more tasks wait than may run at once. */
  readonly priority: number;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly status: TaskStatus;
  /** The agent's answer (its text, or its structured output), once succeeded. */
  readonly output: Output | undefined;
  readonly error: Error | undefined;
  /** The task's workflow run, once started. */
  readonly runId: string | undefined;
  readonly usage: Usage | undefined;
  readonly cost: CostBreakdown | undefined;
  /** Times from the orchestrator's clock, in ms since the epoch. */
  readonly createdAt: number;
  readonly startedAt: number | undefined;
  readonly completedAt: number | undefined;
  readonly done: Promise<Task<Output>>;
}

/** The mutable task behind the `Task` view (internal). */
export class TaskRecord<Output = unknown> implements Task<Output> {
  readonly id: string;
  readonly agent: string;
  readonly input: AgentInput;
  readonly priority: number;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  readonly done: Promise<Task<Output>>;
  /** Submission order, to keep equal priorities first-in first-out. */
  readonly sequence: number;
  status: TaskStatus = "queued";
  output: Output | undefined;
  error: Error | undefined;
  runId: string | undefined;
  usage: Usage | undefined;
  cost: CostBreakdown | undefined;
  startedAt: number | undefined;
  completedAt: number | undefined;
  /** Cancels the running task's workflow run. */
  cancel: ((reason?: string) => void) | undefined;
  #settle!: (task: Task<Output>) => void;

  constructor(fields: {
    id: string;
    agent: string;
    input: AgentInput;
    priority: number;
    metadata: Record<string, unknown>;
    createdAt: number;
    sequence: number;
  }) {
    this.id = fields.id;
    this.agent = fields.agent;
    this.input = fields.input;
    this.priority = fields.priority;
    this.metadata = Object.freeze({ ...fields.metadata });
    this.createdAt = fields.createdAt;
    this.sequence = fields.sequence;
    this.done = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  /** Records how the task ended and settles `done`. */
  finish(status: "succeeded" | "failed" | "cancelled", at: number): void {
    this.status = status;
    this.completedAt = at;
    this.cancel = undefined;
    this.#settle(this);
  }
}

/**
 * Starts queued tasks while fewer than `limit` run; the waiting task with the highest
 * priority goes first, then the one submitted first (internal).
 */
export class TaskQueue {
  readonly #limit: number;
  readonly #start: (task: TaskRecord) => Promise<void>;
  #waiting: TaskRecord[] = [];
  #running = 0;

  constructor(limit: number, start: (task: TaskRecord) => Promise<void>) {
    this.#limit = limit;
    this.#start = start;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  add(task: TaskRecord): void {
    const index = this.#waiting.findIndex(
      (other) =>
        other.priority < task.priority ||
        (other.priority === task.priority && other.sequence > task.sequence),
    );
    if (index === -1) this.#waiting.push(task);
    else this.#waiting.splice(index, 0, task);
    this.#pump();
  }

  /** Takes a task out of the queue before it starts; `false` when it is not waiting. */
  remove(task: TaskRecord): boolean {
    const index = this.#waiting.indexOf(task);
    if (index === -1) return false;
    this.#waiting.splice(index, 1);
    return true;
  }

  #pump(): void {
    while (this.#running < this.#limit && this.#waiting.length > 0) {
      const task = this.#waiting.shift()!;
      this.#running++;
      this.#start(task).finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }
}
