import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RedisServer,
  redisAvailable,
  startRedisServer,
} from "../../test/support/redis-server.js";
import { OwnerOutbox } from "./owner-outbox.js";
import { queueKeys, type ToOwner } from "./wire.js";

const emit = (a: string, type: string): ToOwner => ({ t: "emit", a, d: "w#1", event: { type } });

describe.runIf(redisAvailable())("OwnerOutbox", () => {
  let redis: RedisServer;
  let connection: Redis;
  let listener: Redis;
  const keys = queueKeys("outbox");
  beforeAll(async () => {
    redis = await startRedisServer();
    connection = new Redis(redis.url());
    listener = new Redis(redis.url());
  });
  afterAll(async () => {
    connection?.disconnect();
    listener?.disconnect();
    await redis?.stop();
  });

  it("sends one turn's messages as one publish per run, after the books they refer to", async () => {
    const received: { channel: string; messages: ToOwner[]; books: string | null }[] = [];
    const reader = new Redis(redis.url());
    const onMessage = (channel: string, text: string) => {
      // Read at once: the books were written before the publish, on the same connection.
      void reader.hget(keys.spend("a1"), "w#1").then((books) => {
        received.push({ channel, messages: JSON.parse(text), books });
      });
    };
    listener.on("message", onMessage);
    await listener.subscribe(keys.run("r1"), keys.run("r2"));
    const outbox = new OwnerOutbox(connection, keys, {
      ownerWaitMs: 60_000,
      onOwnerGone: () => {},
    });
    outbox.send("r1", emit("a1", "agent-start"));
    outbox.keep(keys.spend("a1"), "w#1", '{"usage":1}', 60_000);
    outbox.send("r1", emit("a1", "agent-end"));
    outbox.send("r2", emit("a2", "agent-start"));
    while (received.length < 2 || !outbox.idle) await new Promise((r) => setTimeout(r, 10));
    outbox.close();
    listener.off("message", onMessage);
    reader.disconnect();
    expect(
      received.map((r) => [r.channel, r.messages.map((m) => m.t === "emit" && m.event.type)]),
    ).toEqual([
      [keys.run("r1"), ["agent-start", "agent-end"]],
      [keys.run("r2"), ["agent-start"]],
    ]);
    expect(received.every((r) => r.books === '{"usage":1}')).toBe(true);
    expect(await connection.pttl(keys.spend("a1"))).toBeGreaterThan(0);
  });

  it("keeps a run's messages while no owner listens, and sends them in order on resend", async () => {
    const gone: string[] = [];
    const outbox = new OwnerOutbox(connection, keys, {
      ownerWaitMs: 60_000,
      retryMs: 60_000,
      onOwnerGone: (runId) => gone.push(runId),
    });
    outbox.send("r3", emit("a3", "agent-start"));
    outbox.keep(keys.spend("a3"), "w#1", "{}", 60_000);
    // Written although no owner listens.
    while ((await connection.hget(keys.spend("a3"), "w#1")) === null) {
      await new Promise((r) => setTimeout(r, 10));
    }
    outbox.send("r3", emit("a3", "agent-end"));
    await new Promise((r) => setTimeout(r, 50));
    expect(outbox.idle).toBe(false);
    const received: string[] = [];
    listener.on("message", (channel: string, text: string) => {
      if (channel !== keys.run("r3")) return;
      for (const message of JSON.parse(text) as ToOwner[]) {
        if (message.t === "emit") received.push(message.event.type);
      }
    });
    await listener.subscribe(keys.run("r3"));
    outbox.resend("r3");
    while (!outbox.idle) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
    outbox.close();
    expect(received).toEqual(["agent-start", "agent-end"]);
    expect(gone).toEqual([]);
  });

  it("says once when a run's messages start to wait for an owner, and drops them when told", async () => {
    const unheard: string[] = [];
    const outbox = new OwnerOutbox(connection, keys, {
      ownerWaitMs: 60_000,
      retryMs: 20,
      onOwnerGone: () => {},
      onUnheard: (runId) => unheard.push(runId),
    });
    outbox.send("r4", emit("a4", "agent-start"));
    while (unheard.length === 0) await new Promise((r) => setTimeout(r, 10));
    // Tried again a few times meanwhile: told once.
    await new Promise((r) => setTimeout(r, 100));
    expect(unheard).toEqual(["r4"]);
    expect(outbox.idle).toBe(false);
    outbox.drop("r4");
    expect(outbox.idle).toBe(true);
    outbox.close();
  });
});
