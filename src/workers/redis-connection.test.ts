import { once } from "node:events";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RedisServer,
  redisAvailable,
  startRedisServer,
} from "../../test/support/redis-server.js";
import { connectRedis, subscribeWhenReady } from "./redis-connection.js";

describe.runIf(redisAvailable())("subscribeWhenReady", () => {
  let redis: RedisServer;
  let publisher: Redis;
  beforeAll(async () => {
    redis = await startRedisServer();
    publisher = new Redis(redis.url());
  });
  afterAll(async () => {
    publisher?.disconnect();
    await redis?.stop();
  });

  it("subscribes a connection caught in its handshake for good: it hears what is published", async () => {
    const subscriber = connectRedis(redis.url(), "baton-test-events");
    const heard: string[] = [];
    subscriber.on("message", (_channel: string, text: string) => heard.push(text));
    try {
      // Connected, not ready: ioredis would write a SUBSCRIBE now, and lose it.
      await once(subscriber, "connect");
      expect(subscriber.status).toBe("connect");
      await subscribeWhenReady(subscriber, "news");
      while (subscriber.status !== "ready") await once(subscriber, "ready");
      expect(await publisher.publish("news", "hello")).toBe(1);
      while (heard.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(heard).toEqual(["hello"]);
    } finally {
      subscriber.disconnect();
    }
  });

  it("lets many subscriptions wait for one handshake with one listener", async () => {
    const subscriber = connectRedis(redis.url(), "baton-test-events");
    try {
      await once(subscriber, "connect");
      const ready = subscriber.listenerCount("ready");
      const end = subscriber.listenerCount("end");
      const channels = Array.from({ length: 20 }, (_, index) => `run-${index}`);
      const subscribed = Promise.all(
        channels.map((channel) => subscribeWhenReady(subscriber, channel)),
      );
      // Twenty waits, one listener each for ready and end (eleven warn MaxListenersExceeded).
      expect(subscriber.listenerCount("ready")).toBe(ready + 1);
      expect(subscriber.listenerCount("end")).toBe(end + 1);
      await subscribed;
      expect(await publisher.publish("run-19", "hello")).toBe(1);
    } finally {
      subscriber.disconnect();
    }
  });

  it("rejects on a connection that was closed", async () => {
    const subscriber = connectRedis(redis.url(), "baton-test-events");
    await once(subscriber, "ready");
    subscriber.disconnect();
    while (subscriber.status !== "end") await once(subscriber, "end");
    await expect(subscribeWhenReady(subscriber, "news")).rejects.toThrow("Connection is closed.");
  });
});
