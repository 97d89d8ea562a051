import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { type Job, Worker as QueueWorker } from "bullmq";
import type { Redis } from "ioredis";
import { CancelledError } from "../core/errors/cancelled-error.js";
import type { Outcome } from "../core/outcome.js";
import type { Clock } from "../core/ports/clock.js";
import type { IdGenerator } from "../core/ports/id-generator.js";
import { executeStep, failedWithoutSpend } from "../core/run/execute-step.js";
import { noCost, noUsage } from "../core/run/fold-run-log.js";
import { toWire } from "../core/run/wire-outcome.js";
import { addCost, addUsage, type CostBreakdown, type Usage } from "../core/usage.js";
import type { Workflow } from "../core/workflow/workflow.js";
import { openStore, type StoreOption } from "../durable/store-option.js";
import { lookupWorkflow, type WorkflowRegistry } from "../durable/workflow-registry.js";
import { checkOptions as checkByRule } from "../runtime/check-options.js";
import { randomIdGenerator } from "../runtime/random-id-generator.js";
import { systemClock } from "../runtime/system-clock.js";
import { OwnerOutbox } from "./owner-outbox.js";
import { connectRedis, subscribeWhenReady } from "./redis-connection.js";
import { RemoteContext, type RemoteContextDeps } from "./remote-context.js";
import {
  type Broadcast,
  type JobOutcome,
  queueKeys,
  REGISTRY_BEAT_MS,
  type RegistryEntry,
  type StepJob,
  type ToOwner,
  type ToWorker,
  type WireAttempt,
} from "./wire.js";
import { WorkerError } from "./worker-error.js";
import { workerOptionsRule } from "./worker-options-rules.js";

export interface WorkerOptions {
  /** The queue's Redis: `redis://host:port/db` (or `rediss://`), as the owners' `queueDispatcher`. */
  queue: string;
  /**
   * The run store the owners use: sub-workflows and other child runs a step starts are
   * logged there. A location (`postgres://...`, an SQLite path) is opened, and closed by
   * `close()`.
   */
  store: StoreOption;
  /** The workflows (and agents) this worker runs, by name, as the owners registered them. */
  workflows: WorkflowRegistry;
  /** Steps running at once in this worker. @default 16 */
  concurrency?: number;
  /** Prefix of every Redis key and channel; owners and workers must agree. @default "baton" */
  prefix?: string;
  /**
   * How long a job stays locked without a renewal: when this worker dies, its steps run
   * again elsewhere after about this long (plus up to `stalledCheckMs`). A worker whose event
   * loop stalls longer than half of it (a busy machine) loses its jobs to other workers,
   * which run them again. @default 7000
   */
  lockMs?: number;
  /** How often this worker looks for jobs whose worker died. @default 2000 */
  stalledCheckMs?: number;
  /** Times a job may lose its worker before its steps fail. @default 10 */
  maxStalls?: number;
  /**
   * How long a step waits for an owner when none listens (its owner died and no process
   * took the run over): then it is given up (and runs again when an owner comes back).
   * @default 120000
   */
  ownerWaitMs?: number;
  /** Time for the steps' child runs. @default systemClock */
  clock?: Clock;
  /** Ids of the steps' child runs. @default randomIdGenerator */
  ids?: IdGenerator;
  /** Stops the worker when it aborts (as `close()`). */
  signal?: AbortSignal;
  /** Receives errors of the queue connection and of jobs. @default ignored */
  onError?: (error: unknown) => void;
}

/** A running worker (see `worker`). */
export interface BatonWorker {
  /** This worker's id (`<host>:<pid>:<random>`), as the registry lists it. */
  readonly id: string;
  /** The workflows it runs, by their workflow names. */
  readonly workflows: readonly string[];
  /** Stops taking jobs, waits for the steps it runs, and closes its connections. */
  close(): Promise<void>;
}

interface Running {
  runId: string;
  controller: AbortController;
}

/** One delivery of a job running here: the lock token BullMQ gave it, and how to stop it. */
interface JobDelivery {
  token: string | undefined;
  /** Stops its attempts: another delivery holds the job's lock. */
  loseLock(): void;
  /** Resolves once its attempts ended. */
  ended: Promise<void>;
}

interface PendingCall {
  message: Extract<ToOwner, { t: "acquire" | "recorded" }>;
  runId: string;
  resolve(answer: ToWorker): void;
}

/**
 * Starts a worker: it takes the steps of `workflows` from the queue, runs them, and reports
 * to each run's owner (see `queueDispatcher`). Run as many as you like, on as many machines
 * as you like, against one store and one queue; a worker that dies leaves its steps to the
 * others after `lockMs`. It resolves once warm and taking jobs: its agents' packages and
 * the tokenizer are loaded first (see `Agent.preload`), so its first steps are not slowed.
 * @example
 * const running = await worker({ queue: "redis://127.0.0.1:6379", store: "postgres://...", workflows: { report } });
 * // ... later
 * await running.close();
 */
export async function worker(options: WorkerOptions): Promise<BatonWorker> {
  const settings = checkOptions(options);
  const opened = await openStore(options.store, "worker");
  try {
    return await startWorker(settings, opened.store, opened.release);
  } catch (error) {
    await opened.release();
    throw error;
  }
}

type Settings = ReturnType<typeof checkOptions>;

function checkOptions(options: WorkerOptions) {
  checkByRule(workerOptionsRule, options, "worker()");
  const {
    prefix = "baton",
    concurrency = 16,
    lockMs = 7000,
    stalledCheckMs = 2000,
    maxStalls = 10,
    ownerWaitMs = 120_000,
  } = options;
  const workflows = new Map<string, Workflow>();
  for (const name of Object.keys(options.workflows)) {
    const flow = lookupWorkflow(name, options.workflows)!;
    workflows.set(flow.name, flow);
  }
  return {
    ...options,
    prefix,
    concurrency,
    lockMs,
    stalledCheckMs,
    maxStalls,
    ownerWaitMs,
    workflows,
  };
}

async function startWorker(
  settings: Settings,
  store: RemoteContextDeps["store"],
  releaseStore: () => Promise<void>,
): Promise<BatonWorker> {
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const keys = queueKeys(settings.prefix);
  const onError = settings.onError ?? (() => {});
  const connection = connectRedis(settings.queue, "baton-worker");
  const subscriber = connectRedis(settings.queue, "baton-worker-events");
  const running = new Map<string, Running>();
  const calls = new Map<number, PendingCall>();
  /** Attempts cancelled before they started here (a cancel may come before its job). */
  const cancelled = new Map<string, { at: number; reason: string }>();
  /** Settles of attempts whose jobs still run, by run: sent again to a new owner. */
  const settled = new Map<string, Map<string, ToOwner>>();
  let callCount = 0;
  let deliveries = 0;

  /** Stops this worker's attempts of `runId` (each gives its step up, with `reason`). */
  const giveUp = (runId: string, reason: WorkerError) => {
    for (const attempt of running.values()) {
      if (attempt.runId === runId) attempt.controller.abort(reason);
    }
  };
  const outbox = new OwnerOutbox(connection, keys, {
    ownerWaitMs: settings.ownerWaitMs,
    onOwnerGone: (runId) =>
      giveUp(
        runId,
        new WorkerError(
          `No owner of run ${runId} answered for ${settings.ownerWaitMs} ms: its step was given up on this worker`,
          { code: "owner-gone" },
        ),
      ),
    // No owner listens: if the run has ended (a job that ran again holds steps of runs that
    // finished since), none will, and its steps here are over: they need not wait for one.
    onUnheard: (runId) => {
      store.getRun(runId).then((record) => {
        if (!record || !["succeeded", "failed", "cancelled"].includes(record.status)) return;
        outbox.drop(runId);
        giveUp(
          runId,
          new WorkerError(`Run ${runId} has ended (${record.status}): its step is over`, {
            code: "stale",
          }),
        );
      }, onError);
    },
  });
  const deps: RemoteContextDeps = {
    workerId: id,
    store,
    clock: settings.clock ?? systemClock,
    ids: settings.ids ?? randomIdGenerator,
    send: (message) => outbox.send(runOf(message), message),
    ask: (message, signal) =>
      new Promise<ToWorker>((resolve, reject) => {
        const runId = runOf(message);
        const onAbort = () => {
          calls.delete(message.call);
          reject(new CancelledError(undefined, { cause: signal.reason }));
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener("abort", onAbort, { once: true });
        calls.set(message.call, {
          message,
          runId,
          resolve: (answer) => {
            signal.removeEventListener("abort", onAbort);
            resolve(answer);
          },
        });
        outbox.send(runId, message);
      }),
    nextCall: () => ++callCount,
    recordSpend: (attemptId, delivery, spend) => {
      const key = `${attemptId}|${delivery}`;
      const books = spent.get(key) ?? { usage: noUsage, cost: noCost };
      if (spend.usage) books.usage = addUsage(books.usage, spend.usage);
      if (spend.cost) books.cost = addCost(books.cost, spend.cost);
      spent.set(key, books);
      outbox.keep(keys.spend(attemptId), delivery, JSON.stringify(books), 86_400_000);
    },
  };
  /** What each delivery of each running attempt spent so far (`<attempt>|<delivery>`). */
  const spent = new Map<string, { usage: Usage; cost: CostBreakdown }>();
  /** The run of a message: its attempt's (attempt ids are looked up while they run). */
  const attemptRuns = new Map<string, string>();
  const runOf = (message: ToOwner) => attemptRuns.get(message.a)!;

  subscriber.on("message", (channel: string, text: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    if (channel === keys.broadcast) onBroadcast(parsed as Broadcast);
    else
      for (const answer of parsed as ToWorker[]) {
        const call = calls.get(answer.call);
        calls.delete(answer.call);
        call?.resolve(answer);
      }
  });
  await subscribeWhenReady(subscriber, keys.worker(id), keys.broadcast);

  function onBroadcast(message: Broadcast): void {
    if (message.t === "cancel") {
      const now = Date.now();
      for (const attempt of message.attempts) {
        const live = running.get(attempt);
        if (live) live.controller.abort(new CancelledError(message.reason || undefined));
        else cancelled.set(attempt, { at: now, reason: message.reason });
      }
      for (const [attempt, { at }] of cancelled) if (now - at > 60_000) cancelled.delete(attempt);
      return;
    }
    // A new owner took the run over: it may have missed what the old one got.
    const runId = message.runId;
    for (const call of calls.values()) if (call.runId === runId) outbox.send(runId, call.message);
    for (const settle of settled.get(runId)?.values() ?? []) outbox.send(runId, settle);
    outbox.resend(runId);
  }

  // The attempts running at once: a job's attempts wait here for a slot.
  let free = settings.concurrency;
  const waiting: (() => void)[] = [];
  const slot = (): Promise<void> => {
    if (free > 0) {
      free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  const freeSlot = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };

  async function runAttempt(
    wire: WireAttempt,
    delivery: string,
    lost: AbortSignal,
    redelivered: boolean,
  ): Promise<JobOutcome> {
    await slot();
    const controller = new AbortController();
    const onLost = () => controller.abort(lost.reason);
    if (lost.aborted) onLost();
    else lost.addEventListener("abort", onLost, { once: true });
    attemptRuns.set(wire.id, wire.runId);
    running.set(wire.id, { runId: wire.runId, controller });
    const early = cancelled.get(wire.id);
    if (early) controller.abort(new CancelledError(early.reason || undefined));
    let outcome: Outcome;
    let replayed = false;
    try {
      const step = settings.workflows.get(wire.workflow)?.stepDefinition(wire.stepId);
      if (!step) {
        outcome = failedWithoutSpend(
          new WorkerError(
            `Worker ${id} has no step "${wire.stepId}" in workflow "${wire.workflow}" (it runs another version of it?)`,
            { code: "unknown-step" },
          ),
        );
      } else {
        const context = new RemoteContext(wire, delivery, controller, deps);
        // The job ran before: what its earlier deliveries logged is replayed, not made again.
        if (redelivered || wire.again) await context.takeRecorded();
        outcome = await executeStep(step, wire, context);
        replayed = context.replayed;
      }
    } catch (error) {
      outcome = failedWithoutSpend(error);
    } finally {
      lost.removeEventListener("abort", onLost);
      // (A later delivery of the same job here may have put its own in its place.)
      if (running.get(wire.id)?.controller === controller) running.delete(wire.id);
      freeSlot();
    }
    const wireOutcome = toWire(outcome, wire.stepId);
    // Given up (no owner, a stale attempt, a lost lock): another delivery or owner decides.
    const gaveUp = WorkerError.isInstance(controller.signal.reason);
    if (!gaveUp) {
      const settle: ToOwner = {
        t: "settle",
        a: wire.id,
        d: delivery,
        outcome: wireOutcome,
        ...(redelivered ? { r: true } : {}),
        ...(replayed ? { replayed } : {}),
      };
      outbox.send(wire.runId, settle);
      const runSettles = settled.get(wire.runId) ?? new Map<string, ToOwner>();
      runSettles.set(wire.id, settle);
      settled.set(wire.runId, runSettles);
    }
    spent.delete(`${wire.id}|${delivery}`);
    return {
      a: wire.id,
      d: delivery,
      ...(redelivered ? { r: true } : {}),
      ...(replayed ? { replayed } : {}),
      o: wireOutcome,
      adoptable: !gaveUp && (outcome.status === "succeeded" || outcome.status === "failed"),
      ...(gaveUp ? { gaveUp } : {}),
    };
  }

  /**
   * The deliveries of each job running here, oldest first. A job this worker lost (its
   * event loop stalled past the lock) may come back to it while the old delivery still runs:
   * BullMQ keeps one lock entry per job id, so an old delivery's lock failure names the new
   * one's job too, and the old one's end would stop the renewal of the new one's lock.
   */
  const jobDeliveries = new Map<string, JobDelivery[]>();

  async function processJob(job: Job<StepJob>, token?: string): Promise<JobOutcome[]> {
    const delivery = `${id}#${++deliveries}`;
    const attempts = job.data.attempts;
    const jobId = job.id ?? delivery;
    // Aborted when this worker lost the job's lock: another delivery runs it now.
    const lost = new AbortController();
    let ended!: () => void;
    const here: JobDelivery = {
      token,
      loseLock: () =>
        lost.abort(
          new WorkerError(`Worker ${id} lost the lock of job ${jobId}: another delivery runs it`, {
            code: "stale",
          }),
        ),
      ended: new Promise<void>((resolve) => {
        ended = resolve;
      }),
    };
    const earlier = jobDeliveries.get(jobId) ?? [];
    // The job came back: the earlier deliveries here lost its lock.
    for (const older of earlier) older.loseLock();
    jobDeliveries.set(jobId, [...earlier, here]);
    try {
      const redelivered = (job.attemptsStarted ?? 1) > 1 || (job.stalledCounter ?? 0) > 0;
      return await Promise.all(
        attempts.map((wire) => runAttempt(wire, delivery, lost.signal, redelivered)),
      );
    } finally {
      ended();
      const all = jobDeliveries.get(jobId) ?? [];
      const later = all.slice(all.indexOf(here) + 1).at(-1);
      const rest = all.filter((other) => other !== here);
      if (rest.length > 0) jobDeliveries.set(jobId, rest);
      else jobDeliveries.delete(jobId);
      // A later delivery runs here: this one ends after it (BullMQ stops renewing the job's
      // lock when either ends).
      if (later) await later.ended;
      // The job's last delivery here forgets its attempts.
      if (!jobDeliveries.has(jobId)) {
        for (const wire of attempts) {
          settled.get(wire.runId)?.delete(wire.id);
          if (settled.get(wire.runId)?.size === 0) settled.delete(wire.runId);
          attemptRuns.delete(wire.id);
        }
      }
    }
  }

  /** Stops the deliveries here of `jobId` whose token no longer holds the job's lock. */
  async function checkLock(queueName: string, jobId: string): Promise<void> {
    const here = jobDeliveries.get(jobId);
    if (!here) return;
    const holder = await connection.get(keys.lock(queueName, jobId));
    for (const delivery of here) if (delivery.token !== holder) delivery.loseLock();
  }

  // Warm before the first job: a step's first model call would otherwise load the AI SDK,
  // its provider's package and the tokenizer (seconds when several workers start at once).
  await Promise.all([...settings.workflows.values()].map((flow) => flow.preload()));

  const jobConnections: Redis[] = [];
  const queues = [...settings.workflows.keys()].map((workflow) => {
    const jobConnection = connectRedis(settings.queue, "baton-worker-jobs");
    jobConnections.push(jobConnection);
    return new QueueWorker<StepJob, JobOutcome[]>(keys.queue(workflow), processJob, {
      connection: jobConnection,
      prefix: settings.prefix,
      concurrency: settings.concurrency,
      lockDuration: settings.lockMs,
      stalledInterval: settings.stalledCheckMs,
      maxStalledCount: settings.maxStalls,
    });
  });
  for (const queue of queues) {
    queue.on("error", onError);
    // A lock this worker could not renew is another delivery's now: stop running the job here
    // (the delivery whose token holds it, if the job came back here, goes on).
    queue.on("lockRenewalFailed", (jobIds: string[]) => {
      for (const jobId of jobIds) checkLock(queue.name, jobId).catch(onError);
    });
  }
  await Promise.all(queues.map((queue) => queue.waitUntilReady()));

  const entry = (): string => {
    const workflows: RegistryEntry["workflows"] = {};
    for (const [name, flow] of settings.workflows)
      workflows[name] = flow.graph().steps.map((step) => step.id);
    return JSON.stringify({ host: hostname(), pid: process.pid, at: Date.now(), workflows });
  };
  await connection.hset(keys.registry, id, entry());
  const beat = setInterval(() => {
    connection.hset(keys.registry, id, entry()).catch(onError);
  }, REGISTRY_BEAT_MS);
  beat.unref();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(beat);
      await Promise.all(queues.map((queue) => queue.close()));
      // The last settles go out before the connections close.
      for (let tries = 0; tries < 50 && !outbox.idle; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      outbox.close();
      await connection.hdel(keys.registry, id).catch(() => {});
      subscriber.disconnect();
      for (const jobConnection of jobConnections) jobConnection.disconnect();
      await connection.quit().catch(() => connection.disconnect());
      await releaseStore();
    })();
    return closing;
  };
  settings.signal?.addEventListener("abort", () => void close(), { once: true });
  return { id, workflows: [...settings.workflows.keys()], close };
}
