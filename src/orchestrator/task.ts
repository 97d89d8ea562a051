import type { AgentInput, CostBreakdown, Usage } from "../index.js";

export type TaskStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** A task given to `orchestrator.submit()`, as the store records it. */
export interface TaskInfo<Output = unknown> {
  /** The task's id: also the id of its run in the store. */
  readonly id: string;
  /** The agent that runs it (a registered subagent's name). */
  readonly agent: string;
  readonly input: AgentInput;
  /** Higher starts first when more tasks wait than may run at once. */
  readonly priority: number;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly status: TaskStatus;
  /** The agent's answer (its text, or its structured output), once succeeded. */
  readonly output: Output | undefined;
  readonly error: Error | undefined;
  /** The task's run: the same as `id`. */
  readonly runId: string;
  readonly usage: Usage | undefined;
  readonly cost: CostBreakdown | undefined;
  /** Times from the orchestrator's clock, in ms since the epoch. */
  readonly createdAt: number;
  readonly startedAt: number | undefined;
  readonly completedAt: number | undefined;
}

/**
 * A task this process submitted: live (its fields change as it runs), and `done` settles
 * with it when it ends (it never rejects).
 */
export interface Task<Output = unknown> extends TaskInfo<Output> {
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
  /** Submission order, to keep equal priorities first-in first-out (stored with the run). */
  readonly sequence: number;
  status: TaskStatus = "queued";
  output: Output | undefined;
  error: Error | undefined;
  usage: Usage | undefined;
  cost: CostBreakdown | undefined;
  startedAt: number | undefined;
  completedAt: number | undefined;
  /** Cancels the running task's run. */
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

  get runId(): string {
    return this.id;
  }

  /** Records how the task ended and settles `done`. */
  finish(status: "succeeded" | "failed" | "cancelled", at: number): void {
    this.status = status;
    this.completedAt = at;
    this.cancel = undefined;
    this.#settle(this);
  }
}
