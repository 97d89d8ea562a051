/**
 * A worker SIGKILLed in the middle of an agent step: the job goes to another worker, which
 * replays the turns the dead one completed (their model replies and tool results, logged by
 * the owner) with no model call and no tool execution, and makes again only the call that
 * was in flight, as a run resumed in one process does.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggedEvent } from "../../src/core/ports/run-store.js";
import type { Workflow } from "../../src/core/workflow/workflow.js";
import { MemoryStore } from "../../src/stores/memory/memory-store.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import {
  type FakeOpenAIServer,
  startFakeOpenAIServer,
} from "../../src/testing/fake-openai-server.js";
import { queueDispatcher } from "../../src/workers/queue-dispatcher.js";
import { type RedisServer, redisAvailable, startRedisServer } from "../support/redis-server.js";
import { WorkerFleet } from "./worker-fleet.js";

const registry = new URL("./test-workflows.ts", import.meta.url).href;
/** The agent's turns: four tool calls (one a turn), then its answer. */
const TURNS = 5;
/** The request the first worker is killed in the middle of (two turns completed before it). */
const KILLED_IN = 3;
const USAGE = { promptTokens: 10, completionTokens: 2 };

describe.runIf(redisAvailable())("A worker killed in the middle of an agent step", () => {
  let redis: RedisServer;
  let server: FakeOpenAIServer;
  let dir: string;
  /** Which request numbers the server answers slowly (so a kill lands while one is in flight). */
  const slow = new Set<number>();
  const fleet = new WorkerFleet();

  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startFakeOpenAIServer({
      // The model asks for a note a turn, in the file its prompt names, until it has four.
      fallbackReply: (request) => {
        const messages = request.body?.messages ?? [];
        const file = String(messages.filter((message) => message.role === "user").at(-1)?.content);
        const done = messages.filter((message) => message.role === "tool").length;
        const delayMs = slow.has(server.requests.length) ? 10_000 : 20;
        if (done < TURNS - 1) {
          const n = done + 1;
          return {
            toolCalls: [{ name: "note", arguments: { file, n }, id: `call-${n}` }],
            usage: USAGE,
            delayMs,
          };
        }
        return { text: `${done} notes taken`, usage: USAGE, delayMs };
      },
    });
    process.env.BATON_FAKE_BASE_URL = server.baseURL;
    dir = mkdtempSync(join(tmpdir(), "baton-replay-"));
  }, 60_000);
  afterAll(async () => {
    await fleet.stopAll();
    await server?.close();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("replays the turns it completed on the worker that takes the job over: only the call in flight is made again", {
    timeout: 60_000,
  }, async () => {
    const flows = (await import("./test-workflows.js")).testWorkflows(server.baseURL);
    const notes = flows.notes as Workflow<{ file: string }>;

    // The run uninterrupted, in this process.
    const servedBefore = server.usageTotals().totalTokens;
    const local = await notes.start({ file: join(dir, "local.txt") }, { store: new MemoryStore() })
      .result;
    expect(local.status).toBe("succeeded");
    expect(server.requests.length).toBe(TURNS);
    expect(server.usageTotals().totalTokens - servedBefore).toBe(local.usage.totalTokens);

    // The same run on a worker, SIGKILLed with its third model call in flight.
    const storePath = join(dir, "runs.db");
    const config = {
      queue: redis.url(),
      store: storePath,
      registry,
      lockMs: 2000,
      stalledCheckMs: 500,
    };
    const first = await fleet.start(config);
    const dispatcher = queueDispatcher({ queue: redis.url() });
    const store = await SqliteStore.open(storePath);
    const file = join(dir, "remote.txt");
    const requestsBefore = server.requests.length;
    const served = server.usageTotals().totalTokens;
    slow.add(requestsBefore + KILLED_IN);
    try {
      const run = notes.start({ file }, { dispatcher, store });
      const starts = (log: LoggedEvent[]) =>
        log.filter((event) => event.type === "model-call-start").length;
      for (let tries = 0; tries < 1000; tries++) {
        const log = await store.readLog(run.id);
        if (starts(log) >= KILLED_IN && server.requests.length >= requestsBefore + KILLED_IN) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(server.requests.length - requestsBefore).toBe(KILLED_IN);
      await fleet.kill(first);
      // Another worker takes the job once the dead one's lock runs out.
      await fleet.start(config);
      const result = await run.result;
      expect(result.status, JSON.stringify(result.steps)).toBe("succeeded");
      const text = (output: unknown) => (output as { text: string }).text;
      expect(text(result.output)).toBe(text(local.output));
      expect(text(result.output)).toBe(`${TURNS - 1} notes taken`);

      // The two completed turns were not made again; the call in flight was.
      expect(server.requests.length - requestsBefore).toBe(TURNS + 1);
      // Each tool call ran once.
      expect(readFileSync(file, "utf8")).toBe("1\n2\n3\n4\n");
      const log = await store.readLog(run.id);
      expect(log.filter((event) => event.type === "model-call-end")).toHaveLength(TURNS);
      // The call cut short by the kill is booked once, as possibly billed.
      const cutShort = log.filter(
        (event) =>
          event.type === "model-call-error" &&
          (event.error as { code?: string }).code === "call-cut-short",
      );
      expect(cutShort).toHaveLength(1);
      const possiblyBilled = (cutShort[0]!.usage as { possiblyBilledTokens: number })
        .possiblyBilledTokens;
      expect(possiblyBilled).toBeGreaterThan(0);
      // Usage: every reply the server served, once, and the cut-short call apart.
      expect(result.usage.totalTokens).toBe(server.usageTotals().totalTokens - served);
      expect(result.usage.totalTokens).toBe(local.usage.totalTokens);
      expect(result.usage.possiblyBilledTokens).toBe(possiblyBilled);
      expect(result.steps.take?.usage).toEqual(result.usage);
    } finally {
      await dispatcher.close();
      await store.close();
    }
  });
});
