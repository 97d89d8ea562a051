/**
 * Runs whose steps go through a real queue to worker processes: as in one process (outputs,
 * events, usage, child runs), limits of the owner's gate holding across workers, a tool
 * approval asked on a worker, steps of a workflow no worker knows staying queued with a
 * warning, and an owner SIGKILLed while its steps run on workers.
 */
import { fork } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkflowResult } from "../../src/core/run/run.js";
import type { Workflow } from "../../src/core/workflow/workflow.js";
import { openDurable } from "../../src/durable/open-durable.js";
import { MemoryStore } from "../../src/stores/memory/memory-store.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import {
  type FakeOpenAIServer,
  startFakeOpenAIServer,
} from "../../src/testing/fake-openai-server.js";
import { queueDispatcher } from "../../src/workers/queue-dispatcher.js";
import { type JobOutcome, queueKeys, type WireAttempt } from "../../src/workers/wire.js";
import { bundledScript } from "../support/bundled-script.js";
import { type RedisServer, redisAvailable, startRedisServer } from "../support/redis-server.js";
import { takeWarnings } from "../support/warnings.js";
import { WorkerFleet } from "./worker-fleet.js";

const registry = new URL("./test-workflows.ts", import.meta.url).href;

describe.runIf(redisAvailable())("Steps on worker processes, through a queue", () => {
  let redis: RedisServer;
  let server: FakeOpenAIServer;
  let dir: string;
  let storePath: string;
  let flows: Record<string, Workflow<never>>;
  const fleet = new WorkerFleet();
  const lastUser = (body: { messages?: { role: string; content?: unknown }[] } | undefined) =>
    String(body?.messages?.filter((message) => message.role === "user").at(-1)?.content ?? "");

  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startFakeOpenAIServer({
      fallbackReply: (request) => ({ text: `ok: ${lastUser(request.body)}`, delayMs: 20 }),
    });
    process.env.BATON_FAKE_BASE_URL = server.baseURL;
    flows = (await import("./test-workflows.js")).testWorkflows(server.baseURL) as never;
    dir = mkdtempSync(join(tmpdir(), "baton-distributed-"));
    storePath = join(dir, "runs.db");
    const config = { queue: redis.url(), store: storePath, registry };
    await Promise.all([fleet.start(config), fleet.start(config)]);
  }, 60_000);
  afterAll(async () => {
    await fleet.stopAll();
    await server?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs end to end as in one process: outputs, events, usage, child runs", async () => {
    const report = flows["e2e-report"] as Workflow<{ topic: string }>;
    const runIn = async (options: object) => {
      const run = report.start({ topic: "tides" }, options);
      const events: string[] = [];
      for await (const event of run.events) events.push(event.type);
      return { result: await run.result, events };
    };
    const local = await runIn({ store: new MemoryStore() });
    const dispatcher = queueDispatcher({ queue: redis.url() });
    const store = await SqliteStore.open(storePath);
    try {
      const remote = await runIn({ dispatcher, store });
      expect(remote.result.status, JSON.stringify(remote.result.steps)).toBe("succeeded");
      expect(remote.result.output).toEqual(local.result.output);
      expect(remote.result.usage).toEqual(local.result.usage);
      expect(remote.result.cost).toEqual(local.result.cost);
      const count = (events: string[], type: string) => events.filter((e) => e === type).length;
      expect(count(remote.events, "model-call-end")).toBe(count(local.events, "model-call-end"));
      // The sub-workflow ran on a worker, logged in the shared store under this run.
      const children = await store.listRuns({ parentId: remote.result.runId });
      expect(children.map((child) => [child.workflow, child.status])).toEqual([
        ["e2e-title", "succeeded"],
      ]);
    } finally {
      await dispatcher.close();
      await store.close();
    }
  });

  it("holds the owner's per-model limits across workers: one call at a time, Retry-After honoured", async () => {
    const dispatcher = queueDispatcher({ queue: redis.url() });
    const store = new MemoryStore();
    server.enqueueFor("limited-model", { fault: "rate-limit", retryAfterSeconds: 1 });
    try {
      const run = (flows.fanout as Workflow<{ topic: string }>).start(
        { topic: "owls" },
        {
          dispatcher,
          store,
          limits: { "openai-compatible:limited-model": { concurrency: 1 } },
        },
      );
      const result = await run.result;
      const log = await store.readLog(run.id);
      // The 429 failed its step (agents here do not retry); the other five answered.
      const failed = Object.values(result.steps).filter((step) => step.status === "failed");
      expect(failed.map((step) => step.error?.message)).toEqual([
        expect.stringContaining("Rate limit"),
      ]);
      // One call at a time across both workers: every start follows the previous end.
      let open = 0;
      let most = 0;
      for (const event of log) {
        if (event.type === "model-call-start") most = Math.max(most, ++open);
        if (event.type === "model-call-end" || event.type === "model-call-error") open--;
      }
      expect(most).toBe(1);
      // The Retry-After held the next call back at the owner's gate.
      expect(log.some((event) => event.type === "rate-limit-wait")).toBe(true);
    } finally {
      await dispatcher.close();
    }
  });

  it("leaves the steps of a workflow no worker knows in the queue, with a warning, until one does", async () => {
    const dispatcher = queueDispatcher({ queue: redis.url(), prefix: "lonely" });
    const store = new MemoryStore();
    const run = (flows.fanout as Workflow<{ topic: string }>).start(
      { topic: "stars" },
      { dispatcher, store },
    );
    try {
      const waited = async () => {
        for (let tries = 0; tries < 500; tries++) {
          const log = await store.readLog(run.id);
          const wait = log.find((event) => event.type === "worker-wait");
          if (wait) return wait;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return undefined;
      };
      const wait = await waited();
      expect(wait?.message).toContain('No live worker runs workflow "fanout"');
      expect(takeWarnings("BatonWorkerWarning").map((warning) => warning.message)).toEqual([
        wait?.message,
      ]);
      const late = await fleet.start({
        queue: redis.url(),
        store: storePath,
        registry,
        prefix: "lonely",
      });
      const result = await run.result;
      expect(result.status).toBe("succeeded");
      await fleet.kill(late);
    } finally {
      await dispatcher.close();
    }
  });

  it("asks a tool call's approval from a worker; on resume the turn is replayed and the approved call runs once", async () => {
    // Each model call once: the resumed attempt replays the turn that asked for the call.
    server.enqueueFor(
      "mail-model",
      { toolCalls: [{ name: "sendEmail", arguments: { to: "ada@example.com" }, id: "call-ada" }] },
      { text: "Sent to ada@example.com." },
    );
    const requestsBefore = server.requests.length;
    const dispatcher = queueDispatcher({ queue: redis.url() });
    const durable = await openDurable({
      store: storePath,
      workflows: { outreach: flows.outreach as Workflow },
      start: { dispatcher },
    });
    try {
      const first = durable.start("outreach", undefined);
      const waiting = await first.result;
      expect(waiting.status).toBe("waiting");
      const pending = await durable.pendingApprovals({ runId: first.id });
      expect(pending.map((item) => [item.stepId, item.tool])).toEqual([["mail", "sendEmail"]]);
      await durable.approve(first.id, "mail", { toolCallId: "call-ada" });
      const resumed = await durable.resume(first.id);
      const result = await resumed.result;
      expect(result.status, JSON.stringify(result.steps)).toBe("succeeded");
      expect((result.output as { text: string }).text).toBe("Sent to ada@example.com.");
      const log = await durable.store.readLog(first.id);
      expect(log.filter((event) => event.type === "approval-output")).toHaveLength(1);
      expect(server.requests.length - requestsBefore).toBe(2);
    } finally {
      await durable.close();
      await dispatcher.close();
    }
  });

  it("lets a new owner take a run over from a SIGKILLed one while its steps run on, once each", {
    timeout: 60_000,
  }, async () => {
    const marks = mkdtempSync(join(dir, "held-"));
    const owner = fork(
      bundledScript(join(import.meta.dirname, "owner-process.ts"), registry),
      [
        JSON.stringify({
          queue: redis.url(),
          store: storePath,
          registry,
          workflow: "held",
          input: { dir: marks },
        }),
      ],
      { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] },
    );
    const runId = await new Promise<string>((resolve) =>
      owner.on("message", (message: { runId?: string }) => message.runId && resolve(message.runId)),
    );
    for (
      let tries = 0;
      tries < 2000 && !["h1", "h2", "h3"].every((id) => existsSync(join(marks, `${id}.started`)));
      tries++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const exited = new Promise((resolve) => owner.once("exit", resolve));
    owner.kill("SIGKILL");
    await exited;

    const dispatcher = queueDispatcher({ queue: redis.url() });
    const durable = await openDurable({
      store: storePath,
      workflows: { held: flows.held as Workflow },
      start: { dispatcher },
    });
    try {
      const [resumed] = await durable.recover();
      expect(resumed?.id).toBe(runId);
      writeFileSync(join(marks, "go"), "go");
      const result: WorkflowResult = await resumed!.result;
      expect(result.status, JSON.stringify(result.steps)).toBe("succeeded");
      expect(result.output).toBe("H1+H2+H3");
      for (const id of ["h1", "h2", "h3"]) {
        expect(readFileSync(join(marks, `${id}.started`), "utf8")).toBe("started\n");
        expect(readFileSync(join(marks, `${id}.ended`), "utf8")).toBe("ended\n");
      }
      const ends = (await durable.store.readLog(runId)).filter(
        (event) => event.type === "step-end",
      );
      expect(ends.map((event) => event.stepId).sort()).toEqual(["h1", "h2", "h3", "join"]);
    } finally {
      await durable.close();
      await dispatcher.close();
    }
  });
  it("lets a new owner take a run over from a live one that lost it: the old owner leaves its steps on the workers to the new one", {
    timeout: 60_000,
  }, async () => {
    const marks = mkdtempSync(join(dir, "lost-"));
    const started = () =>
      ["h1", "h2", "h3"].every((id) => existsSync(join(marks, `${id}.started`)));
    const workflows = { held: flows.held as Workflow };
    const first = queueDispatcher({ queue: redis.url() });
    const second = queueDispatcher({ queue: redis.url() });
    // An owner whose heartbeat comes often, so it learns soon that the run was taken.
    const old = await openDurable({
      store: storePath,
      workflows,
      staleAfterMs: 600,
      start: { dispatcher: first },
    });
    const taker = await openDurable({ store: storePath, workflows, start: { dispatcher: second } });
    try {
      const run = old.start("held", { dir: marks });
      for (let tries = 0; tries < 2000 && !started(); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Taken over while its steps run on the workers (as when its heartbeat stalled).
      const resumed = await taker.resume(run.id, { force: true });
      // It learns at its next heartbeat (cancelled) or append (failed), and stops.
      const lost = await run.result;
      expect(lost.status).not.toBe("succeeded");
      expect(lost.error?.message).toMatch(/taken over by another owner/);
      writeFileSync(join(marks, "go"), "go");
      const result: WorkflowResult = await resumed.result;
      expect(result.status, JSON.stringify(result.steps)).toBe("succeeded");
      expect(result.output).toBe("H1+H2+H3");
      // The steps the old owner sent ran on, once each: not cancelled, not started again.
      for (const id of ["h1", "h2", "h3"]) {
        expect(readFileSync(join(marks, `${id}.started`), "utf8")).toBe("started\n");
        expect(readFileSync(join(marks, `${id}.ended`), "utf8")).toBe("ended\n");
      }
    } finally {
      writeFileSync(join(marks, "go"), "go");
      await old.close();
      await taker.close();
      await first.close();
      await second.close();
    }
  });
  it("gives up at once a step of a run that ended, sent again with no owner to answer it", {
    timeout: 60_000,
  }, async () => {
    // A run that finished while a job holding one of its steps waited to run again.
    const store = await SqliteStore.open(storePath);
    const runId = `ended-${Date.now()}`;
    await store.createRun({ id: runId, workflow: "held", status: "running", createdAt: 1 });
    await store.updateRun(runId, { status: "succeeded", updatedAt: 2 });
    await store.close();
    const keys = queueKeys("baton");
    const queue = new Queue(keys.queue("held"), {
      connection: { url: redis.url() },
      prefix: "baton",
    });
    try {
      const attempt: WireAttempt = {
        id: "gone-owner/1",
        runId,
        workflow: "held",
        stepId: "h1",
        kind: "function",
        key: 1,
        attempt: 1,
        iteration: 1,
        input: { dir: mkdtempSync(join(dir, "ended-")) },
        previous: undefined,
        results: {},
        toolApprovals: [],
        parentRunId: undefined,
        overrides: {},
        again: true,
      };
      const job = await queue.add("attempts", { owner: "gone-owner", attempts: [attempt] });
      // Its worker asks the run's owner what the step logged: none listens, and none will
      // (the run ended). Not waited for (ownerWaitMs is 2 minutes): given up.
      let outcomes: JobOutcome[] | undefined;
      while (outcomes === undefined) {
        const state = await queue.getJob(job.id!);
        if (state?.finishedOn) outcomes = state.returnvalue as JobOutcome[];
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(outcomes).toEqual([
        expect.objectContaining({ a: "gone-owner/1", gaveUp: true, adoptable: false }),
      ]);
    } finally {
      await queue.close();
    }
  });
});
