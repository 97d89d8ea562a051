import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { CancelledError } from "../core/errors/cancelled-error.js";
import type { Outcome } from "../core/outcome.js";
import type { AttemptHost, StepAttempt, StepDispatcher } from "../core/ports/step-dispatcher.js";
import { checkJson } from "../core/run/check-json.js";
import { failedWithoutSpend } from "../core/run/execute-step.js";
import { noCost, noUsage } from "../core/run/fold-run-log.js";
import { fromWire } from "../core/run/wire-outcome.js";
import { DurableError } from "../durable/durable-error.js";
import { checkOptions } from "../runtime/check-options.js";
import { AttemptEntry, staleAnswer } from "./attempt-entry.js";
import { connectRedis, subscribeWhenReady } from "./redis-connection.js";
import {
  type Broadcast,
  type InflightRecord,
  type JobOutcome,
  type QueueKeys,
  queueKeys,
  REGISTRY_STALE_MS,
  type RegistryEntry,
  type StepJob,
  type ToOwner,
  type ToWorker,
  type WireAttempt,
} from "./wire.js";
import { WorkerError } from "./worker-error.js";
import { queueDispatcherOptionsRule } from "./worker-options-rules.js";

export interface QueueDispatcherOptions {
  /** The queue's Redis: `redis://host:port/db` (or `rediss://`). */
  queue: string;
  /** Prefix of every Redis key and channel; owners and workers must agree. @default "baton" */
  prefix?: string;
  /**
   * Attempts that become ready together travel in one job, up to this many (a worker runs
   * them side by side). Larger batches carry more steps per second; 1 spreads every step
   * on its own. @default 16
   */
  batchSize?: number;
  /**
   * How long finished jobs are kept: a new owner that takes a run over within this time
   * finds the results of the steps that ended while no owner listened. @default 3600000 (an hour)
   */
  retentionMs?: number;
  /** How often jobs that did not report back are looked at, and lost workers' permits freed. @default 2000 */
  pollMs?: number;
  /**
   * Told when a step waits for a worker that does not exist (no live worker runs its
   * workflow). The run's log gets a `worker-wait` event too.
   * @default process.emitWarning(message, { type: "BatonWorkerWarning" })
   */
  onWarning?: (message: string) => void;
}

interface RunLink {
  /** Subscribed to the run's channel, and its inflight hash read: where each step was last sent. */
  ready: Promise<Map<string, InflightRecord>>;
  active: number;
  idle: NodeJS.Timeout | undefined;
  /** Set once `ready` settled (and the attempts dispatched meanwhile were sent or adopted). */
  settled: boolean;
}

interface JobState {
  exists: boolean;
  finished: boolean;
  outcomes: JobOutcome[] | undefined;
  failedReason: string | undefined;
}

const field = (wire: { stepId: string; iteration: number }) => `${wire.stepId}#${wire.iteration}`;

/** Jobs written to the queue at once (see `#flush`). */
const JOB_SLICE = 64;

/**
 * The owner's side of distributed runs: a `StepDispatcher` that sends each ready attempt to
 * a BullMQ queue (one queue per workflow), where any worker that registered the workflow
 * runs it (see `worker`). What the step does on its run context (events, model-call
 * permits, tool costs, approvals) comes back over Redis to this owner's run, so limits,
 * budgets, events and costs are the run's as in one process; only the current attempt's
 * settle counts. When this process dies, the process that takes its runs over (with a
 * `queueDispatcher` of its own) adopts the attempts still running on workers.
 * @example
 * const dispatcher = queueDispatcher({ queue: "redis://127.0.0.1:6379" });
 * const durable = await openDurable({ store: "postgres://...", workflows: { report }, start: { dispatcher } });
 */
export function queueDispatcher(options: QueueDispatcherOptions): QueueDispatcher {
  return new QueueDispatcher(options);
}

export class QueueDispatcher implements StepDispatcher {
  /** This dispatcher's id (attempts it sends are `<id>/<n>`). */
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #keys: QueueKeys;
  readonly #connection: Redis;
  readonly #subscriber: Redis;
  readonly #batchSize: number;
  readonly #retentionMs: number;
  readonly #pollMs: number;
  readonly #onWarning: (message: string) => void;
  readonly #jobPrefix = randomUUID().replaceAll("-", "").slice(0, 12);
  readonly #queues = new Map<string, Queue>();
  readonly #entries = new Map<string, AttemptEntry>();
  readonly #runs = new Map<string, RunLink>();
  readonly #pending = new Map<string, AttemptEntry[]>();
  readonly #cancels: AttemptEntry[] = [];
  /** Attempts of runs another owner took over, by when: their messages are the new owner's. */
  readonly #released = new Map<string, number>();
  /** What a run's channel name starts with (the run's id follows). */
  readonly #runChannel: string;
  readonly #announced: string[] = [];
  /** Permit answers of this turn, by worker (see `#reply`). */
  readonly #replies = new Map<string, ToWorker[]>();
  readonly #warnedAt = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> | undefined;
  #next = 0;
  #jobs = 0;
  #closed = false;

  constructor(options: QueueDispatcherOptions) {
    checkOptions(queueDispatcherOptionsRule, options, "queueDispatcher()");
    const {
      queue,
      prefix = "baton",
      batchSize = 16,
      retentionMs = 3_600_000,
      pollMs = 2000,
      onWarning,
    } = options;
    this.#keys = queueKeys(prefix);
    this.#runChannel = this.#keys.run("");
    this.#batchSize = batchSize;
    this.#retentionMs = retentionMs;
    this.#pollMs = pollMs;
    this.#onWarning =
      onWarning ?? ((message) => process.emitWarning(message, { type: "BatonWorkerWarning" }));
    this.#connection = connectRedis(queue, "baton-owner");
    this.#subscriber = connectRedis(queue, "baton-owner-events");
    this.#subscriber.on("message", (channel: string, text: string) => this.#receive(channel, text));
    this.#timer = setInterval(() => void this.#reconcile(), pollMs);
    this.#timer.unref();
  }

  dispatch(attempt: StepAttempt, host: AttemptHost): void {
    if (this.#closed) {
      host.settle(
        failedWithoutSpend(new WorkerError("The queue dispatcher is closed", { code: "closed" })),
      );
      return;
    }
    const wire: WireAttempt = {
      id: `${this.id}/${++this.#next}`,
      runId: attempt.runId,
      workflow: attempt.workflow,
      stepId: attempt.stepId,
      kind: attempt.kind,
      key: attempt.key,
      attempt: attempt.attempt,
      iteration: attempt.iteration,
      input: attempt.input,
      previous: attempt.previous,
      results: attempt.kind === "function" ? pick(attempt.results, attempt.ancestors) : {},
      toolApprovals: [...attempt.toolApprovals],
      parentRunId: attempt.parentRunId,
      overrides: host.context.overrides,
      ...(host.context.gate.reservesBudget ? { reservesBudget: true } : {}),
      ...(attempt.recorded.length > 0 ? { recorded: [...attempt.recorded] } : {}),
    };
    try {
      checkJson(wire.input, `step "${attempt.stepId}" input`);
      checkJson(wire.previous ?? null, `step "${attempt.stepId}" previous output`);
      checkJson(wire.results, "results");
      checkJson(wire.overrides, `step "${attempt.stepId}" overrides`);
    } catch (error) {
      host.settle(failedWithoutSpend(error));
      return;
    }
    const entry = new AttemptEntry(host, wire, this.#keys.queue(attempt.workflow));
    this.#entries.set(wire.id, entry);
    const link = this.#link(attempt.runId);
    const { signal } = host.context;
    if (signal.aborted) queueMicrotask(() => this.#cancel(entry));
    else signal.addEventListener("abort", () => this.#cancel(entry), { once: true });
    link.ready.then(
      (inflight) => {
        if (entry.settled || entry.cancelled) return;
        const record = inflight.get(field(wire));
        if (record && (record.owner !== this.id || this.#released.has(record.attempt))) {
          // Sent by an owner that is gone (or by this one before it lost the run and took it
          // back): the attempt may still run, or have ended.
          inflight.delete(field(wire));
          void this.#adopt(entry, record);
        } else {
          this.#enqueue(entry);
        }
      },
      (error) => this.#finish(entry, failedWithoutSpend(error)),
    );
  }

  /** Stops sending and listening; attempts still out are left to the workers (and to a new owner). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#flushing;
    for (const link of this.#runs.values()) clearTimeout(link.idle);
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
    this.#subscriber.disconnect();
    await this.#connection.quit().catch(() => this.#connection.disconnect());
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.#connection, prefix: this.#keys.prefix });
      this.#queues.set(name, queue);
    }
    return queue;
  }

  #link(runId: string): RunLink {
    let link = this.#runs.get(runId);
    if (!link) {
      const channel = this.#keys.run(runId);
      const ready = subscribeWhenReady(this.#subscriber, channel).then(async () => {
        const stored = await this.#connection.hgetall(this.#keys.inflight(runId));
        return new Map(
          Object.entries(stored).map(([key, text]) => [key, JSON.parse(text) as InflightRecord]),
        );
      });
      const made: RunLink = { ready, active: 0, idle: undefined, settled: false };
      const settle = () => {
        made.settled = true;
      };
      ready.then(settle, settle);
      link = made;
      this.#runs.set(runId, link);
    }
    clearTimeout(link.idle);
    link.idle = undefined;
    link.active++;
    return link;
  }

  /** The run has no attempt out any more: stop listening to it after a while. */
  #unlink(runId: string): void {
    const link = this.#runs.get(runId);
    if (!link || --link.active > 0) return;
    link.idle = setTimeout(() => {
      if (link.active > 0 || this.#runs.get(runId) !== link) return;
      this.#runs.delete(runId);
      if (!this.#closed) void this.#subscriber.unsubscribe(this.#keys.run(runId)).catch(() => {});
    }, 5000);
    link.idle.unref();
  }

  #enqueue(entry: AttemptEntry): void {
    const workflow = entry.wire.workflow;
    const list = this.#pending.get(workflow);
    if (list) list.push(entry);
    else this.#pending.set(workflow, [entry]);
    if (this.#pending.size === 1 && list === undefined) {
      setImmediate(() => {
        this.#flushing = (this.#flushing ?? Promise.resolve()).then(() => this.#flush());
      });
    }
  }

  /**
   * Sends the attempts gathered this turn: one job per batch, and their inflight records. The
   * jobs go in slices of {@link JOB_SLICE}, each once the one before is in: workers start on
   * the first jobs of a wide fan-out while this owner still writes the rest (2,000 jobs at
   * once kept every worker waiting some 0.4 s on the workers bench).
   */
  async #flush(): Promise<void> {
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const [workflow, all] of pending) {
      const entries = all.filter((entry) => !entry.settled && !entry.cancelled);
      if (entries.length === 0) continue;
      const queueName = this.#keys.queue(workflow);
      const jobs: { name: string; data: StepJob; opts: object }[] = [];
      const batches: AttemptEntry[][] = [];
      const inflight = new Map<string, Record<string, string>>();
      const age = Math.ceil(this.#retentionMs / 1000);
      for (let start = 0; start < entries.length; start += this.#batchSize) {
        const batch = entries.slice(start, start + this.#batchSize);
        const jobId = `${this.#jobPrefix}-${++this.#jobs}`;
        batch.forEach((entry, index) => {
          entry.queue = queueName;
          entry.job = jobId;
          entry.index = index;
          // Not looked at by the reconcile pass before its job is in the queue.
          entry.sentAt = Number.POSITIVE_INFINITY;
          const record: InflightRecord = {
            owner: this.id,
            attempt: entry.wire.id,
            queue: queueName,
            job: jobId,
            index,
          };
          const fields = inflight.get(entry.wire.runId) ?? {};
          fields[field(entry.wire)] = JSON.stringify(record);
          inflight.set(entry.wire.runId, fields);
        });
        batches.push(batch);
        jobs.push({
          name: "attempts",
          data: { owner: this.id, attempts: batch.map((entry) => entry.wire) },
          opts: { jobId, removeOnComplete: { age }, removeOnFail: { age } },
        });
      }
      try {
        const pipeline = this.#connection.pipeline();
        for (const [runId, fields] of inflight) {
          pipeline.hset(this.#keys.inflight(runId), fields);
          pipeline.pexpire(this.#keys.inflight(runId), this.#retentionMs);
        }
        await pipeline.exec();
      } catch (error) {
        for (const entry of entries) this.#finish(entry, failedWithoutSpend(error));
        continue;
      }
      for (let start = 0; start < jobs.length; start += JOB_SLICE) {
        try {
          await this.#queue(queueName).addBulk(jobs.slice(start, start + JOB_SLICE));
        } catch (error) {
          for (const batch of batches.slice(start)) {
            for (const entry of batch) this.#finish(entry, failedWithoutSpend(error));
          }
          break;
        }
        const now = Date.now();
        for (const batch of batches.slice(start, start + JOB_SLICE)) {
          for (const entry of batch) entry.sentAt = now;
        }
      }
      void this.#checkWorkers(workflow, entries).catch(() => {});
    }
  }

  /** Takes over an attempt an earlier owner sent: its outcome if it ended, else its messages. */
  async #adopt(entry: AttemptEntry, record: InflightRecord): Promise<void> {
    this.#released.delete(record.attempt);
    entry.adoptedFrom = record.attempt;
    entry.queue = record.queue;
    entry.job = record.job;
    entry.index = record.index;
    entry.sentAt = Date.now();
    this.#entries.set(record.attempt, entry);
    this.#announce(record.attempt);
    try {
      await this.#connection.hset(
        this.#keys.inflight(entry.wire.runId),
        field(entry.wire),
        JSON.stringify({ ...record, owner: this.id }),
      );
      const state = await this.#jobState(record.queue, record.job);
      this.#takeState(entry, state);
    } catch (error) {
      this.#finish(entry, failedWithoutSpend(error));
    }
  }

  /** Acts on a job's stored state: its outcome for `entry` if it ended, a resend if it is lost. */
  #takeState(entry: AttemptEntry, state: JobState): void {
    if (entry.settled) return;
    const adopted = entry.adoptedFrom !== undefined;
    if (!state.exists) {
      this.#resend(entry);
      return;
    }
    if (!state.finished) return;
    const id = entry.adoptedFrom ?? entry.wire.id;
    const ended = state.outcomes?.find((outcome) => outcome.a === id);
    if (ended && (ended.gaveUp || !entry.accepts(ended.d) || (adopted && !ended.adoptable))) {
      // No delivery of the job settles the attempt: the one that ended the job gave it up (it
      // lost the job's lock, or its owner), or had handed its work to a later delivery that
      // died; or an earlier owner's attempt ended in a way this owner does not take.
      if (entry.cancelled) this.#finish(entry, cancelledOutcome(entry.host.context.signal.reason));
      else this.#resend(entry);
    } else if (ended) {
      const finish = () => this.#finish(entry, fromWire(ended.o), ended.d, ended.replayed);
      if (ended.r || adopted) {
        void this.#withBooks(entry).then(finish);
        return;
      }
      finish();
    } else if (adopted) {
      this.#resend(entry);
    } else {
      const why = state.failedReason ?? "it ended without this step's outcome";
      this.#finish(
        entry,
        failedWithoutSpend(
          new WorkerError(`Step "${entry.wire.stepId}": its job failed: ${why}`, {
            code: "job-failed",
          }),
        ),
      );
    }
  }

  /** Sends an attempt anew (its job is gone, or an adopted one cannot be taken as it ended). */
  #resend(entry: AttemptEntry): void {
    if (entry.adoptedFrom !== undefined) this.#entries.delete(entry.adoptedFrom);
    entry.adoptedFrom = undefined;
    entry.job = undefined;
    entry.wire.again = true;
    this.#enqueue(entry);
  }

  async #jobState(queue: string, job: string): Promise<JobState> {
    const [timestamp, finishedOn, returnvalue, failedReason] = await this.#connection.hmget(
      this.#keys.job(queue, job),
      "timestamp",
      "finishedOn",
      "returnvalue",
      "failedReason",
    );
    return stateOf(timestamp, finishedOn, returnvalue, failedReason);
  }

  /** Reads what each delivery of the attempt spent, as its workers kept it. */
  async #withBooks(entry: AttemptEntry): Promise<void> {
    const ids = [entry.wire.id, ...(entry.adoptedFrom !== undefined ? [entry.adoptedFrom] : [])];
    for (const id of ids) {
      const books = await this.#connection.hgetall(this.#keys.spend(id)).catch(() => ({}));
      entry.takeBooks(books);
    }
  }

  #announce(attempt: string): void {
    this.#announced.push(attempt);
    if (this.#announced.length > 1) return;
    setImmediate(() => {
      const attempts = this.#announced.splice(0);
      const runs = new Set(attempts.map((id) => this.#entries.get(id)?.wire.runId));
      for (const runId of runs) {
        if (runId === undefined) continue;
        const message: Broadcast = { t: "owner", runId };
        void this.#connection
          .publish(this.#keys.broadcast, JSON.stringify(message))
          .catch(() => {});
      }
    });
  }

  #receive(channel: string, text: string): void {
    let messages: ToOwner[];
    try {
      messages = JSON.parse(text) as ToOwner[];
    } catch {
      return;
    }
    // Heard while this owner still reads where the run's steps were sent: they may be about
    // attempts it is about to adopt (a run it resumes). Taken once those are adopted, so that
    // they are not answered as unknown (a delivery told "stale" gives its attempt up).
    const link = this.#runs.get(channel.slice(this.#runChannel.length));
    if (link && !link.settled) {
      const take = () => this.#take(messages);
      link.ready.then(take, take);
      return;
    }
    this.#take(messages);
  }

  #take(messages: readonly ToOwner[]): void {
    for (const message of messages) {
      if (this.#released.has(message.a)) continue;
      const entry = this.#entries.get(message.a);
      if (!entry || entry.settled) {
        // Another delivery of an attempt that ended (its job ran twice): it makes no more calls.
        if (message.t === "acquire" || message.t === "recorded") {
          this.#reply(message.w, staleAnswer(message.call));
        }
        continue;
      }
      if (message.t === "settle" && (message.r || entry.adoptedFrom !== undefined)) {
        // Other deliveries ran it (some may have died): bill what each spent, then settle.
        void this.#withBooks(entry).then(() => {
          if (entry.settled) return;
          entry.handle(message, (worker, answer) => this.#reply(worker, answer));
          if (entry.settled) this.#done(entry);
        });
        continue;
      }
      entry.handle(message, (worker, answer) => this.#reply(worker, answer));
      if (entry.settled) this.#done(entry);
    }
  }

  /**
   * Answers a worker (a permit, or what an attempt logged). The answers of one turn go out
   * together, one publish per worker in one pipeline: a worker whose steps asked together
   * gets their permits in one message, and its steps go on together (their next messages
   * share a publish too).
   */
  #reply(worker: string, answer: ToWorker): void {
    const waiting = this.#replies.get(worker);
    if (waiting) waiting.push(answer);
    else this.#replies.set(worker, [answer]);
    if (this.#replies.size > 1 || waiting) return;
    setImmediate(() => {
      const pipeline = this.#connection.pipeline();
      for (const [to, answers] of this.#replies) {
        pipeline.publish(this.#keys.worker(to), JSON.stringify(answers));
      }
      this.#replies.clear();
      void pipeline.exec().catch(() => {});
    });
  }

  #cancel(entry: AttemptEntry): void {
    if (entry.settled || entry.cancelled) return;
    const reason = entry.host.context.signal.reason;
    if (ownershipLost(reason)) {
      // Another owner took the run over: the attempt is its own now (it adopts it where it
      // runs). It ends here, untold to its workers, and what they send is no longer answered.
      this.#released.set(entry.adoptedFrom ?? entry.wire.id, Date.now());
      this.#finish(entry, cancelledOutcome(reason));
      return;
    }
    entry.cancelled = true;
    if (entry.job === undefined) {
      // Not sent yet: it never will be.
      this.#finish(entry, cancelledOutcome(reason));
      return;
    }
    this.#cancels.push(entry);
    if (this.#cancels.length === 1) setImmediate(() => this.#sendCancels(this.#cancels.splice(0)));
  }

  #sendCancels(entries: readonly AttemptEntry[]): void {
    const live = entries.filter((entry) => !entry.settled);
    if (live.length === 0) return;
    const reason = live[0]!.host.context.signal.reason;
    const message: Broadcast = {
      t: "cancel",
      attempts: live.map((entry) => entry.adoptedFrom ?? entry.wire.id),
      reason: reason instanceof Error ? reason.message : String(reason ?? ""),
    };
    void this.#connection.publish(this.#keys.broadcast, JSON.stringify(message)).catch(() => {});
  }

  #finish(entry: AttemptEntry, outcome: Outcome, delivery?: string, replayed?: boolean): void {
    if (entry.settled) return;
    entry.settle(outcome, delivery, replayed);
    if (entry.settled) this.#done(entry);
  }

  #done(entry: AttemptEntry): void {
    if (this.#entries.get(entry.wire.id) !== entry) return;
    this.#entries.delete(entry.wire.id);
    if (entry.adoptedFrom !== undefined) this.#entries.delete(entry.adoptedFrom);
    this.#unlink(entry.wire.runId);
  }

  /**
   * Every `pollMs`: jobs out for a while are looked at (a settle lost on the way is read
   * from the job's return value; a lost job is sent again), permits of workers that are
   * gone are released, and cancellations not yet heard are sent again.
   */
  async #reconcile(): Promise<void> {
    if (this.#closed) return;
    const now = Date.now();
    for (const [attempt, at] of this.#released) {
      if (now - at > RELEASED_MS) this.#released.delete(attempt);
    }
    const entries = [...new Set(this.#entries.values())].filter(
      (entry) => !entry.settled && entry.job !== undefined && now - entry.sentAt >= this.#pollMs,
    );
    if (entries.length === 0) return;
    try {
      const pipeline = this.#connection.pipeline();
      for (const entry of entries) {
        pipeline.hmget(
          this.#keys.job(entry.queue, entry.job!),
          "timestamp",
          "finishedOn",
          "returnvalue",
          "failedReason",
        );
      }
      const replies = (await pipeline.exec()) ?? [];
      entries.forEach((entry, index) => {
        const [error, values] = replies[index] ?? [];
        if (error || !Array.isArray(values)) return;
        const [timestamp, finishedOn, returnvalue, failedReason] = values as (string | null)[];
        const state = stateOf(timestamp, finishedOn, returnvalue, failedReason);
        this.#takeState(entry, state);
        if (entry.settled) this.#done(entry);
      });
      const registry = await this.#registry();
      const alive = (worker: string) => registry.has(worker);
      for (const entry of entries) if (!entry.settled) entry.releaseLost(alive);
      this.#sendCancels(entries.filter((entry) => entry.cancelled));
    } catch {
      // Redis is away: try again next time.
    }
  }

  /** The live workers' entries, by worker id. */
  async #registry(): Promise<Map<string, RegistryEntry>> {
    const stored = await this.#connection.hgetall(this.#keys.registry);
    const now = Date.now();
    const live = new Map<string, RegistryEntry>();
    for (const [worker, text] of Object.entries(stored)) {
      const entry = JSON.parse(text) as RegistryEntry;
      if (now - entry.at < REGISTRY_STALE_MS) live.set(worker, entry);
    }
    return live;
  }

  /** Warns (at most every 30 s per workflow) when no live worker runs these attempts' steps. */
  async #checkWorkers(workflow: string, entries: readonly AttemptEntry[]): Promise<void> {
    const now = Date.now();
    if (now - (this.#warnedAt.get(workflow) ?? Number.NEGATIVE_INFINITY) < 30_000) return;
    const workers = [...(await this.#registry()).values()];
    const known = workers.filter((worker) => Object.hasOwn(worker.workflows, workflow));
    const missing = entries.find(
      (entry) => !known.some((worker) => worker.workflows[workflow]!.includes(entry.wire.stepId)),
    );
    if (!missing) return;
    this.#warnedAt.set(workflow, now);
    const queue = `${this.#keys.prefix}:${this.#keys.queue(workflow)}`;
    const message =
      known.length === 0
        ? `No live worker runs workflow "${workflow}": its steps wait in queue ${queue} until one does (start one with \`baton worker --workflows <file>\` or worker({ workflows }))`
        : `No live worker knows step "${missing.wire.stepId}" of workflow "${workflow}" (the workers run another version of it?): it waits in queue ${queue}`;
    this.#onWarning(message);
    const runs = new Set<string>();
    for (const entry of entries) {
      if (runs.has(entry.wire.runId) || entry.settled) continue;
      runs.add(entry.wire.runId);
      entry.host.context.emit({ type: "worker-wait", workflow, queue, message });
    }
  }
}

function stateOf(
  timestamp: string | null | undefined,
  finishedOn: string | null | undefined,
  returnvalue: string | null | undefined,
  failedReason: string | null | undefined,
): JobState {
  let outcomes: JobOutcome[] | undefined;
  if (returnvalue) {
    try {
      const parsed = JSON.parse(returnvalue) as unknown;
      if (Array.isArray(parsed)) outcomes = parsed as JobOutcome[];
    } catch {}
  }
  return {
    exists: timestamp != null,
    finished: finishedOn != null,
    outcomes,
    failedReason: failedReason ?? undefined,
  };
}

function pick(results: Record<string, unknown>, ids: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const id of ids) if (Object.hasOwn(results, id)) picked[id] = results[id];
  return picked;
}

/**
 * How long an attempt of a run another owner took over is remembered here: what its workers
 * send is the new owner's (this one stops listening to the run 5 s after its last attempt).
 */
const RELEASED_MS = 60_000;

/** Whether a run's abort says another owner took it over (the lease's error, or its cause). */
function ownershipLost(reason: unknown): boolean {
  for (let error = reason, depth = 0; error instanceof Error && depth < 5; depth++) {
    if (DurableError.isInstance(error) && error.code === "ownership-lost") return true;
    error = error.cause;
  }
  return false;
}

function cancelledOutcome(reason: unknown): Outcome {
  return {
    status: "cancelled",
    error: reason instanceof Error ? reason : new CancelledError(),
    usage: noUsage,
    cost: noCost,
  };
}
