/**
 * The owner's reconcile pass, against jobs that a hand-made worker ends the way a real one
 * does in rare interleavings: a delivery that gave the attempt up (it lost the job's lock)
 * completes the job with a cancelled outcome and sends no settle; a delivery whose logged
 * work was handed to a later one that died completes the job. Neither outcome is the step's,
 * and no other delivery of the job will come: the owner must send the attempt again. And a
 * request heard from an earlier owner's delivery while this owner still reads where the run's
 * steps were sent: it is answered once the attempt is adopted, not as about an unknown one.
 */
import { Queue, Worker as QueueWorker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RedisServer,
  redisAvailable,
  startRedisServer,
} from "../../test/support/redis-server.js";
import { noCost, noUsage } from "../core/run/fold-run-log.js";
import { Workflow } from "../core/workflow/workflow.js";
import { defaultRuntime } from "../runtime/default-runtime.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { queueDispatcher } from "./queue-dispatcher.js";
import { type JobOutcome, queueKeys, type StepJob, type ToOwner, type ToWorker } from "./wire.js";

const PREFIX = "reconcile";
const WORKER = "hand-made";
const keys = queueKeys(PREFIX);

describe.runIf(redisAvailable())(
  "queueDispatcher(): jobs that end without the step's outcome",
  () => {
    let redis: RedisServer;
    let connection: Redis;
    let subscriber: Redis;
    /** Answers to this test's `recorded` requests, by call. */
    const answers = new Map<number, (answer: ToWorker) => void>();
    let calls = 0;

    beforeAll(async () => {
      redis = await startRedisServer();
      connection = new Redis(redis.url(), { maxRetriesPerRequest: null });
      subscriber = new Redis(redis.url());
      subscriber.on("message", (_channel: string, text: string) => {
        for (const answer of JSON.parse(text) as ToWorker[]) answers.get(answer.call)?.(answer);
      });
      await subscriber.subscribe(keys.worker(WORKER));
    });
    afterAll(async () => {
      subscriber?.disconnect();
      connection?.disconnect();
      await redis?.stop();
    });

    /** Asks the run's owner for what the attempt logged, as a redelivered job's worker does. */
    const askRecorded = (a: string, runId: string, d: string): Promise<ToWorker> =>
      new Promise((resolve) => {
        const call = ++calls;
        answers.set(call, resolve);
        const message: ToOwner = { t: "recorded", a, d, w: WORKER, call };
        void connection.publish(keys.run(runId), JSON.stringify([message]));
      });

    /**
     * A one-step workflow named `name`, and this test's worker in the registry as a live one
     * that runs it (else the owner warns that no worker does).
     */
    async function oneStep(name: string): Promise<Workflow<undefined>> {
      const entry = {
        host: "test",
        pid: process.pid,
        at: Date.now(),
        workflows: { [name]: ["only"] },
      };
      await connection.hset(keys.registry, WORKER, JSON.stringify(entry));
      return new Workflow<undefined>(name, {}, defaultRuntime).step("only", () => "local");
    }

    /**
     * Runs a one-step workflow whose jobs `deliver` ends (the n-th job it is given is `n`);
     * returns the run's result and the jobs it saw.
     */
    async function runWith(
      name: string,
      deliver: (job: StepJob, n: number) => Promise<JobOutcome>,
    ): Promise<{ status: string; output: unknown; jobs: StepJob[] }> {
      const flow = await oneStep(name);
      const dispatcher = queueDispatcher({ queue: redis.url(), prefix: PREFIX, pollMs: 100 });
      const jobs: StepJob[] = [];
      const worker = new QueueWorker<StepJob, JobOutcome[]>(
        keys.queue(name),
        async (job) => {
          jobs.push(job.data);
          return [await deliver(job.data, jobs.length)];
        },
        { connection, prefix: PREFIX },
      );
      try {
        const result = await flow.start(undefined, { dispatcher, store: new MemoryStore() }).result;
        return { status: result.status, output: result.output, jobs };
      } finally {
        await worker.close();
        await dispatcher.close();
      }
    }

    const succeeded = (a: string, d: string, output: string, r = true): JobOutcome => ({
      a,
      d,
      ...(r ? { r } : {}),
      o: { status: "succeeded", output, usage: noUsage, cost: noCost },
      adoptable: true,
    });

    it("sends an attempt again when the delivery that ended its job gave it up", async () => {
      const run = await runWith("gave-up", async (job, n) => {
        const wire = job.attempts[0]!;
        if (n === 1) {
          // The lock was lost (the worker believed): cancelled, no settle.
          return {
            a: wire.id,
            d: `${WORKER}#1`,
            r: true,
            o: {
              status: "cancelled",
              error: { name: "CancelledError", message: "The operation was cancelled" },
              usage: noUsage,
              cost: noCost,
            },
            adoptable: false,
            gaveUp: true,
          };
        }
        await askRecorded(wire.id, wire.runId, `${WORKER}#${n}`);
        return succeeded(wire.id, `${WORKER}#${n}`, "second");
      });
      expect(run.status).toBe("succeeded");
      expect(run.output).toBe("second");
      expect(run.jobs).toHaveLength(2);
      expect(run.jobs[0]!.attempts[0]!.again).toBeUndefined();
      // The same attempt, sent as one that may have run: its worker asks what it logged.
      expect(run.jobs[1]!.attempts[0]!.id).toBe(run.jobs[0]!.attempts[0]!.id);
      expect(run.jobs[1]!.attempts[0]!.again).toBe(true);
    });

    it("sends an attempt again when its job ended with a delivery whose work a later one took over", async () => {
      const run = await runWith("handed-over", async (job, n) => {
        const wire = job.attempts[0]!;
        if (n === 1) {
          // A later delivery (which then died) asked for the attempt's logged work: the
          // owner refuses what this one reports from then on, its outcome too.
          await askRecorded(wire.id, wire.runId, `${WORKER}#later`);
          return succeeded(wire.id, `${WORKER}#1`, "first");
        }
        await askRecorded(wire.id, wire.runId, `${WORKER}#${n}`);
        return succeeded(wire.id, `${WORKER}#${n}`, "second");
      });
      expect(run.status).toBe("succeeded");
      expect(run.output).toBe("second");
      expect(run.jobs).toHaveLength(2);
      expect(run.jobs[1]!.attempts[0]!.again).toBe(true);
    });

    it("answers what it hears of a run before it has read where the run's steps were sent, once it has adopted them", async () => {
      const name = "early";
      const runId = `run-early-${Date.now()}`;
      const flow = await oneStep(name);
      // An earlier owner sent the step (its job still waits in the queue); the run's inflight
      // hash is big, so that this owner reads it for a while after it subscribed to the run.
      const queue = new Queue(keys.queue(name), { connection, prefix: PREFIX });
      await queue.add("attempts", { owner: "gone", attempts: [] }, { jobId: "early-1" });
      const record = (attempt: string, job: string) =>
        JSON.stringify({ owner: "gone", attempt, queue: keys.queue(name), job, index: 0 });
      const fields: Record<string, string> = { "only#1": record("gone/1", "early-1") };
      for (let index = 0; index < 100_000; index++) {
        fields[`other-${index}#1`] = record(`gone/x${index}`, "none");
      }
      await connection.hset(keys.inflight(runId), fields);
      const dispatcher = queueDispatcher({ queue: redis.url(), prefix: PREFIX, pollMs: 100 });
      try {
        const run = flow.start(undefined, { dispatcher, store: new MemoryStore(), runId });
        // A delivery of the earlier owner's attempt asks for its logged work as soon as this
        // owner listens to the run: before, it was told the attempt is not current.
        const listeners = async () =>
          ((await connection.pubsub("NUMSUB", keys.run(runId))) as [string, number])[1];
        while ((await listeners()) === 0) {}
        const answer = await askRecorded("gone/1", runId, `${WORKER}#early`);
        expect(answer).toEqual(expect.objectContaining({ t: "recorded", events: [] }));
        run.cancel();
        expect((await run.result).status).toBe("cancelled");
      } finally {
        await dispatcher.close();
        await queue.close();
      }
    });
  },
);
