import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type PostgresServer,
  postgresAvailable,
  sharedPostgresServer,
} from "../../../test/support/postgres-server.js";
import { agent } from "../../agents/agent.js";
import { providerUsage, scriptedModel, textReply } from "../../agents/test-support.js";
import { responseCacheStoreConformance } from "../../core/ports/response-cache-store.conformance.js";
import { runStoreConformance } from "../../core/ports/run-store.conformance.js";
import type { LoggedEvent, StoredEvent } from "../../core/ports/run-store.js";
import { scheduleStoreConformance } from "../../core/ports/schedule-store.conformance.js";
import { approve } from "../../durable/approvals.js";
import { followRun } from "../../durable/follow-run.js";
import { fork } from "../../durable/fork.js";
import { openDurable } from "../../durable/open-durable.js";
import { replay } from "../../durable/replay.js";
import { followReleasing, gatedTwoSteps } from "../../durable/test-support.js";
import { workflow } from "../../runtime/workflow.js";
import { openStoreLocation } from "../open-store-location.js";
import { StoreError } from "../store-error.js";
import { maxListedEvents } from "./postgres-append-statements.js";
import { PostgresStore } from "./postgres-store.js";

describe.runIf(postgresAvailable())("PostgresStore", () => {
  let server: PostgresServer;
  let url: string;
  let schemas = 0;
  const nextSchema = (prefix = "s") => `${prefix}_${++schemas}`;

  beforeAll(async () => {
    server = await sharedPostgresServer();
    url = await server.createDatabase("baton_tests");
  });
  afterAll(() => server?.stop());

  /** A store on a fresh schema, and how to open a second handle on it. */
  async function fresh() {
    const schema = nextSchema("conformance");
    const store = await PostgresStore.open(url, { schema });
    return { store, openPeer: () => PostgresStore.open(url, { schema }) };
  }

  runStoreConformance("PostgresStore", fresh);
  responseCacheStoreConformance("PostgresStore responseCache", async () => {
    const { store, openPeer } = await fresh();
    return {
      store: store.responseCache,
      close: () => store.close(),
      openPeer: async () => {
        const peer = await openPeer();
        return { store: peer.responseCache, close: () => peer.close() };
      },
    };
  });
  scheduleStoreConformance("PostgresStore", async () => {
    const { store, openPeer } = await fresh();
    return {
      store: store.schedules,
      close: () => store.close(),
      openPeer: async () => {
        const peer = await openPeer();
        return { store: peer.schedules, close: () => peer.close() };
      },
    };
  });

  /** What `open` rejects with. */
  async function refusal(location: string, options: Parameters<typeof PostgresStore.open>[1] = {}) {
    const error = await PostgresStore.open(location, options).then(
      async (store) => {
        await store.close();
        return undefined;
      },
      (caught: unknown) => caught,
    );
    expect(StoreError.isInstance(error), `expected a StoreError, got ${String(error)}`).toBe(true);
    return error as StoreError;
  }

  /** Every table of a schema with its row count: what "nothing was modified" compares. */
  const snapshot = (schema: string) =>
    server.psql(
      "baton_tests",
      `SELECT string_agg(format('%s=%s', tablename, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', schemaname, tablename), false, true, '')))[1]::text), ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = '${schema}'`,
    );

  describe("opening", () => {
    it("creates its tables on first use, in a schema, versioned by a migrations table", async () => {
      const schema = nextSchema();
      const store = await PostgresStore.open(`${url}?schema=${schema}`);
      expect(store.schema).toBe(schema);
      await store.close();
      expect(
        server.psql("baton_tests", `SELECT version, description FROM ${schema}.migrations`),
      ).toBe("1|runs, run inputs, events, schedules\n2|response cache\n");
      expect(snapshot(schema)).toBe(
        "events=0,migrations=2,response_cache=0,run_inputs=0,runs=0,schedules=0\n",
      );
    });

    it("lets many processes open a fresh database at once without racing into an error", async () => {
      const schema = nextSchema();
      const opened = await Promise.allSettled(
        Array.from({ length: 8 }, () => PostgresStore.open(url, { schema })),
      );
      const rejected = opened.filter((result) => result.status === "rejected");
      expect(rejected.map((result) => String((result as PromiseRejectedResult).reason))).toEqual(
        [],
      );
      for (const result of opened) {
        if (result.status === "fulfilled") await result.value.close();
      }
      expect(server.psql("baton_tests", `SELECT count(*) FROM ${schema}.migrations`)).toBe("2\n");
    });

    it("refuses a schema written by a newer Baton, and modifies nothing", async () => {
      const schema = nextSchema();
      const store = await PostgresStore.open(url, { schema });
      await store.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
      await store.close();
      server.psql(
        "baton_tests",
        `INSERT INTO ${schema}.migrations (version, description) VALUES (99, 'future')`,
      );
      const before = snapshot(schema);
      const error = await refusal(url, { schema });
      expect(error.code).toBe("unsupported-schema");
      expect(error.message).toMatch(
        /newer Baton \(schema version 99; this version reads up to 2\)/,
      );
      expect(snapshot(schema)).toBe(before);
    });

    it("refuses a schema that holds tables of something else, and creates nothing in it", async () => {
      server.psql("baton_tests", "CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int)");
      const error = await refusal(url, { schema: "billing" });
      expect(error.code).toBe("corrupt");
      expect(error.message).toMatch(/holds tables that are not Baton's/);
      expect(snapshot("billing")).toBe("invoices=0\n");
    });

    it("with mustExist or readOnly, refuses an empty database and creates nothing", async () => {
      const schema = nextSchema();
      for (const options of [{ mustExist: true }, { readOnly: true }]) {
        const error = await refusal(url, { schema, ...options });
        expect(error.code).toBe("store-not-found");
      }
      expect(
        server.psql("baton_tests", `SELECT count(*) FROM pg_namespace WHERE nspname = '${schema}'`),
      ).toBe("0\n");
    });

    it("opened readOnly, reads runs and has every write refused by the server", async () => {
      const schema = nextSchema();
      const writer = await PostgresStore.open(url, { schema });
      await writer.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
      await writer.close();
      const reader = await PostgresStore.open(url, { schema, readOnly: true });
      try {
        expect(await reader.getRun("r1")).toMatchObject({ id: "r1" });
        const error = await reader.updateRun("r1", { status: "failed" }).catch((caught) => caught);
        expect(error).toMatchObject({ name: "StoreError", code: "io" });
        expect(error.message).toMatch(/read-only transaction/);
      } finally {
        await reader.close();
      }
    });
  });

  describe("response cache", () => {
    /** A schema as Baton wrote it before the response cache: migration 1 only. */
    async function versionOneSchema() {
      const schema = nextSchema("v1");
      const store = await PostgresStore.open(url, { schema });
      await store.createRun({ id: "r1", workflow: "w", status: "succeeded", createdAt: 1 });
      await store.close();
      server.psql(
        "baton_tests",
        `DROP TABLE ${schema}.response_cache; DELETE FROM ${schema}.migrations WHERE version = 2`,
      );
      return schema;
    }

    it("upgrades a schema of version 1 on its next writable open, keeping its runs", async () => {
      const schema = await versionOneSchema();
      const store = await PostgresStore.open(url, { schema });
      try {
        expect(await store.getRun("r1")).toMatchObject({ id: "r1", status: "succeeded" });
        await store.responseCache.set("k", { text: "cached" }, { expiresAt: 10 });
        expect(await store.responseCache.get("k", { now: 1 })).toEqual({ text: "cached" });
      } finally {
        await store.close();
      }
      expect(server.psql("baton_tests", `SELECT max(version) FROM ${schema}.migrations`)).toBe(
        "2\n",
      );
    });

    it("opened readOnly on a schema of version 1, reads its runs and upgrades nothing", async () => {
      const schema = await versionOneSchema();
      const before = snapshot(schema);
      const reader = await PostgresStore.open(url, { schema, readOnly: true });
      try {
        expect(await reader.getRun("r1")).toMatchObject({ id: "r1" });
        const miss = await reader.responseCache.get("k", { now: 1 }).catch((error) => error);
        expect(miss).toMatchObject({ name: "StoreError" });
      } finally {
        await reader.close();
      }
      expect(snapshot(schema)).toBe(before);
    });

    it("answers an agent on another handle from what the first one's model said", async () => {
      const schema = nextSchema("cache");
      const prices = { "mock:alpha": { inputPerMillion: 1, outputPerMillion: 1 } };
      const ask = async (model: ReturnType<typeof scriptedModel>) => {
        const store = await PostgresStore.open(url, { schema });
        try {
          const faq = agent({
            name: "faq",
            model,
            prices,
            cache: { ttlMs: 60_000, store: store.responseCache },
          });
          return await faq.run("Opening hours?");
        } finally {
          await store.close();
        }
      };
      const first = scriptedModel("alpha", textReply("9 to 5", providerUsage(20, 4)));
      const second = scriptedModel("alpha", textReply("never asked"));
      const answered = await ask(first);
      const cached = await ask(second);
      expect(answered.cost.totalCents).toBeGreaterThan(0);
      expect(cached.text).toBe("9 to 5");
      expect(cached.cost.totalCents).toBe(0);
      expect(second.doGenerateCalls).toHaveLength(0);
    });
  });

  describe("bad locations and unreachable servers", () => {
    it("refuses a wrong password as auth, naming the server but never the password", async () => {
      const wrong = url.replace(`:${encodeURIComponent(server.password)}@`, ":not-the-password@");
      const error = await refusal(wrong);
      expect(error.code).toBe("auth");
      expect(error.message).toContain(`127.0.0.1:${server.port}/baton_tests`);
      expect(error.message).toMatch(/password authentication failed/);
      expect(error.message).not.toContain("not-the-password");
    });

    it("refuses a database that does not exist as store-not-found", async () => {
      const error = await refusal(url.replace("/baton_tests", "/no_such_database"));
      expect(error.code).toBe("store-not-found");
      expect(error.message).toMatch(/database "no_such_database" does not exist/);
    });

    it("refuses a refused connection as connection", async () => {
      const port = await closedPort();
      const error = await refusal(`postgres://baton:secret@127.0.0.1:${port}/db`);
      expect(error.code).toBe("connection");
      expect(error.message).toMatch(/ECONNREFUSED.*is PostgreSQL running/);
      expect(error.message).not.toContain("secret");
    });

    it("gives up on a server that never answers after connectTimeoutMs, instead of hanging", async () => {
      const silent = await silentServer();
      try {
        const location = `postgres://baton@127.0.0.1:${silent.port}/db`;
        const error = await refusal(location, { connectTimeoutMs: 200 });
        expect(error.code).toBe("connection");
        expect(error.message).toMatch(/no answer within 200 ms/);
        const fromUrl = await refusal(`${location}?connect_timeout=0.3`);
        expect(fromUrl.message).toMatch(/no answer within 300 ms/);
      } finally {
        silent.close();
      }
    });

    it("refuses a malformed URL as invalid-location, without showing its password", async () => {
      for (const location of [
        "postgres://baton:hunter2@127.0.0.1:port/db",
        "postgres://baton:hunter2@127.0.0.1/db/extra",
        "postgres://baton:hunter2@127.0.0.1/db?schema=Bad-Name",
        "postgres://baton:hunter2@127.0.0.1/db?connect_timeout=soon",
      ]) {
        const error = await refusal(location);
        expect(error.code, location).toBe("invalid-location");
        expect(error.message).toContain("postgres://baton:***@127.0.0.1");
        expect(error.message).not.toContain("hunter2");
      }
    });
  });

  describe("shared by processes", () => {
    it("calls a run's watchers when another handle's append commits", async () => {
      const schema = nextSchema();
      const watcher = await PostgresStore.open(url, { schema });
      const writer = await PostgresStore.open(url, { schema });
      try {
        await writer.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
        await writer.createRun({ id: "r2", workflow: "w", status: "running", createdAt: 1 });
        const calls: string[] = [];
        let woken: () => void = () => {};
        const stop = await watcher.watchRun("r1", () => {
          calls.push("r1");
          woken();
        });
        calls.length = 0; // the call made once listening starts
        const next = new Promise<void>((resolve) => {
          woken = resolve;
        });
        await writer.append("r2", [{ type: "other-run", at: 1 }]);
        await writer.append("r1", [{ type: "a", at: 1 }]);
        await next;
        expect(calls).toEqual(["r1"]);
        await stop();
      } finally {
        await Promise.all([watcher.close(), writer.close()]);
      }
    });

    it("lets followRun on another handle see a run step by step, woken by notifications alone", async () => {
      const schema = nextSchema();
      const ownerStore = await PostgresStore.open(url, { schema });
      const watcherStore = await PostgresStore.open(url, { schema });
      const { flow, release } = gatedTwoSteps();
      const owner = await openDurable({ store: ownerStore });
      try {
        const run = owner.start(flow, undefined);
        await waitForRecord(ownerStore, run.id);
        // A poll this slow never fires within the test: only NOTIFY can wake the follower.
        const types = await followReleasing(
          followRun(watcherStore, run.id, { pollMs: 600_000 }),
          release,
        );
        expect(types).toContain("step-end first");
        expect(types.at(-1)).toBe("run-end");
        expect((await run.result).status).toBe("succeeded");
      } finally {
        release();
        await owner.close();
        await Promise.all([ownerStore.close(), watcherStore.close()]);
      }
    });

    it("lets a run wait on one handle, be approved on a second and finished by auto-resume on a third", async () => {
      const schema = nextSchema();
      const [first, second, third] = await Promise.all(
        [1, 2, 3].map(() => PostgresStore.open(url, { schema })),
      );
      const flow = workflow("publish")
        .step("draft", () => "draft")
        .step("publish", ({ results }) => `published ${results.draft}`, {
          dependsOn: ["draft"],
          approval: { message: "Publish?" },
        });
      const workflows = { publish: flow };
      try {
        const starter = await openDurable({ store: first!, workflows });
        const waiting = await starter.start(flow, undefined).result;
        expect(waiting.status).toBe("waiting");
        await starter.close();

        const decided = await approve(waiting.runId, "publish", { store: second! });
        expect(decided.approved).toBe(true);

        let resumed: Promise<unknown> | undefined;
        const finisher = await openDurable({
          store: third!,
          workflows,
          autoResume: true,
          pollMs: 20,
          onResume: (run) => {
            resumed = run.result;
          },
        });
        while (!resumed) await new Promise((resolve) => setTimeout(resolve, 10));
        expect(await resumed).toMatchObject({ status: "succeeded", output: "published draft" });
        await finisher.close();
        expect(await first!.getRun(waiting.runId)).toMatchObject({ status: "succeeded" });
      } finally {
        await Promise.all([first, second, third].map((store) => store?.close()));
      }
    });

    it("replays and forks, from a postgres:// location, a run another process recorded", async () => {
      const location = `${url}?schema=${nextSchema()}`;
      const flow = workflow<string>("report")
        .step("facts", ({ input }) => `facts on ${input}`)
        .step("draft", ({ results }) => `draft of ${results.facts}`, { dependsOn: ["facts"] });
      const workflows = { report: flow };
      const recorder = await openDurable({ store: location, workflows });
      const recorded = await recorder.start(flow, "tides").result;
      await recorder.close();

      const replayed = await replay(recorded.runId, { store: location, workflows });
      expect(replayed).toMatchObject({ identical: true, differences: [] });
      const forked = await fork(recorded.runId, { store: location, workflows, fromStep: "draft" });
      expect(await forked.result).toMatchObject({
        status: "succeeded",
        output: "draft of facts on tides",
      });
      const reader = await PostgresStore.open(location, { readOnly: true });
      try {
        expect((await reader.getRun(forked.id))?.metadata).toMatchObject({
          forkOf: recorded.runId,
          fromStep: "draft",
        });
      } finally {
        await reader.close();
      }
    });

    it("keeps payloads exactly: key order, unicode, nested values", async () => {
      const { store } = await fresh();
      try {
        await store.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
        const output = {
          zeta: 1,
          alpha: "ünïcødé 🚀 \u0000 end",
          nested: { b: [1.5, null], a: true },
        };
        await store.append("r1", [{ type: "step-end", at: 2.5, output }]);
        const [read] = await store.readLog("r1");
        expect(read).toEqual({ type: "step-end", at: 2.5, output, seq: 1 });
        expect(Object.keys(read?.output as object)).toEqual(["zeta", "alpha", "nested"]);
      } finally {
        await store.close();
      }
    });

    it("appends batches of every size the same way, listed or as arrays, owned or not", async () => {
      const { store } = await fresh();
      try {
        await store.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
        await store.claimRun("r1", "p1", { now: 1, staleBefore: 0 });
        // Batch sizes around the listed limit, and events that strain an array literal.
        const sizes = [1, 2, maxListedEvents - 1, maxListedEvents, maxListedEvents + 1, 300];
        const expected: StoredEvent[] = [];
        let seq = 0;
        for (const [round, size] of sizes.entries()) {
          const batch = Array.from({ length: size }, (_, index) => {
            const event: LoggedEvent = { type: `t"{${round},${index}}\\`, at: seq + 0.25 };
            if (index % 3 === 1) event.output = { text: 'a "quoted", {braced} \\ value', index };
            if (index % 3 === 2) event.note = null;
            return event;
          });
          const owner = round % 2 === 0 ? { owner: "p1" } : {};
          const seqs = await store.append("r1", batch, owner);
          expect(seqs).toEqual(batch.map((_, index) => seq + index + 1));
          for (const event of batch) expected.push({ ...event, seq: ++seq });
        }
        expect(await store.readLog("r1")).toEqual(expected);
        const refused = await store
          .append("r1", expected.slice(0, maxListedEvents + 1), { owner: "p2" })
          .catch((error: unknown) => error);
        expect(StoreError.isInstance(refused) && refused.code).toBe("not-owner");
        expect(await store.readLog("r1", { afterSeq: seq })).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it("opens as postgres:// and postgresql:// locations, with ?schema=, for the durable API", async () => {
      const schema = nextSchema();
      const location = `${url}?schema=${schema}`;
      const flow = workflow("w").step("s", () => "done");
      const durable = await openDurable({ store: location, workflows: { w: flow } });
      const result = await durable.start(flow, undefined).result;
      await durable.close();
      const opened = await openStoreLocation(location.replace("postgres://", "postgresql://"), {
        readOnly: true,
      });
      expect((await opened.runs.getRun(result.runId))?.output).toBe("done");
      expect(await opened.schedules?.listSchedules()).toEqual([]);
      await opened.close();
    });
  });
});

/** Waits until a run started elsewhere has its record (start() writes it asynchronously). */
async function waitForRecord(store: PostgresStore, runId: string): Promise<void> {
  while (!(await store.getRun(runId))) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = await listen(createServer());
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP server that accepts connections and never says a word, like a stalled host. */
async function silentServer(): Promise<{ port: number; close(): void }> {
  const sockets = new Set<import("node:net").Socket>();
  const server = await listen(createServer((socket) => sockets.add(socket)));
  return {
    port: (server.address() as { port: number }).port,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
