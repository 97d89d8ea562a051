import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RedisServer,
  redisAvailable,
  startRedisServer,
} from "../../test/support/redis-server.js";
import { WorkerFleet } from "../../test/workers/worker-fleet.js";
import { stepDispatcherConformance } from "../core/ports/step-dispatcher.conformance.js";
import { dispatcherFixtures, WIDE_STEPS } from "../core/ports/step-dispatcher.fixtures.js";
import { defaultRuntime } from "../runtime/default-runtime.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { type QueueDispatcher, queueDispatcher } from "./queue-dispatcher.js";

const registry = new URL("../../test/dispatch/registry.ts", import.meta.url).href;

if (redisAvailable()) {
  let redis: RedisServer;
  let dispatcher: QueueDispatcher;
  let dir: string;
  const fleet = new WorkerFleet();
  beforeAll(async () => {
    redis = await startRedisServer();
    dir = mkdtempSync(join(tmpdir(), "baton-workers-"));
    const config = { queue: redis.url(), store: join(dir, "runs.db"), registry };
    await Promise.all([fleet.start(config), fleet.start(config)]);
  });
  afterAll(async () => {
    await fleet.stopAll();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  stepDispatcherConformance(
    "the queue dispatcher (BullMQ on Redis, two worker processes)",
    async () => {
      dispatcher = queueDispatcher({ queue: redis.url() });
      return { dispatcher, workflows: dispatcherFixtures(defaultRuntime) };
    },
    { crossesJson: true, close: () => dispatcher.close() },
  );

  describe("queueDispatcher()", () => {
    it("writes a wide fan-out's jobs in slices, and runs each step once", async () => {
      // One job per step: 150 jobs, more than the dispatcher writes at once.
      const oneByOne = queueDispatcher({ queue: redis.url(), batchSize: 1 });
      try {
        const store = new MemoryStore();
        const run = dispatcherFixtures(defaultRuntime)["dispatch-wide"]!.start(undefined as never, {
          dispatcher: oneByOne,
          store,
        });
        const result = await run.result;
        expect(result.status).toBe("succeeded");
        expect(result.output).toBe((WIDE_STEPS * (WIDE_STEPS - 1)) / 2);
        const ends = (await store.readLog(run.id)).filter((event) => event.type === "step-end");
        expect(ends).toHaveLength(WIDE_STEPS + 1);
      } finally {
        await oneByOne.close();
      }
    });
  });
}
