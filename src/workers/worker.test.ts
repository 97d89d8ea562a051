import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RedisServer,
  redisAvailable,
  startRedisServer,
} from "../../test/support/redis-server.js";
import { fakeAgent } from "../core/test-support/fake-agent.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { worker } from "./worker.js";

describe.runIf(redisAvailable())("worker()", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("resolves once its agents are preloaded, so its first steps start warm", async () => {
    let loaded!: () => void;
    const loading = new Promise<void>((resolve) => {
      loaded = resolve;
    });
    let preloads = 0;
    let asked!: () => void;
    const preloading = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const writer = Object.assign(fakeAgent("writer"), {
      preload: () => {
        preloads++;
        asked();
        return loading;
      },
    });
    const flow = workflow("warm").step("a", writer).step("b", writer);
    let ready = false;
    const starting = worker({
      queue: redis.url(),
      store: new MemoryStore(),
      workflows: { warm: flow },
    }).then((running) => {
      ready = true;
      return running;
    });
    await preloading;
    // Time for a worker that did not wait to resolve (it takes a few Redis round trips).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(preloads).toBe(1);
    expect(ready).toBe(false);
    loaded();
    const running = await starting;
    expect(running.workflows).toEqual(["warm"]);
    await running.close();
  });
});
