import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, redisAvailable, startRedisServer } from "../support/redis-server.js";
import { runBaton, tempWorkspace } from "./cli-harness.js";

const spec = join(import.meta.dirname, "../../examples/research-pipeline.yaml");

describe("baton worker", () => {
  it("says what is missing: the queue, then the workflows", async () => {
    const workspace = await tempWorkspace();
    try {
      const noQueue = await runBaton(["worker", "--workflows", spec], { cwd: workspace.dir });
      expect(noQueue.code).toBe(2);
      expect(noQueue.stderr).toContain("baton worker needs a queue: --queue redis://host:port");
      const noFlows = await runBaton(["worker", "--queue", "redis://127.0.0.1:9"], {
        cwd: workspace.dir,
      });
      expect(noFlows.code).toBe(2);
      expect(noFlows.stderr).toContain("baton worker needs the workflows it runs");
      const notRedis = await runBaton(["run", spec, "--queue", "http://example.com"], {
        cwd: workspace.dir,
      });
      expect(notRedis.code).toBe(2);
      expect(notRedis.stderr).toContain("--queue: expected a redis:// or rediss:// URL");
      const ran = await runBaton(["run", spec, "--json"], { cwd: workspace.dir });
      const { runId } = JSON.parse(ran.stdout) as { runId: string };
      const resumed = await runBaton(["resume", runId, "--queue", "http://example.com"], {
        cwd: workspace.dir,
      });
      expect(resumed.code).toBe(2);
      expect(resumed.stderr).toContain("--queue: expected a redis:// or rediss:// URL");
    } finally {
      await workspace.remove();
    }
  });

  describe.runIf(redisAvailable())("with a Redis", () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it("runs the steps `baton run --queue` sends, with the output of a run in one process", {
      timeout: 60_000,
    }, async () => {
      const workspace = await tempWorkspace();
      const stop = new AbortController();
      try {
        const store = join(workspace.dir, "runs.db");
        let ready: () => void = () => {};
        const started = new Promise<void>((resolve) => {
          ready = resolve;
        });
        const worker = runBaton(
          ["worker", "--queue", redis.url(), "--workflows", spec, "--store", store],
          {
            cwd: workspace.dir,
            signal: stop.signal,
            onStdout: (text) => /Worker \S+ runs "research-pipeline"/.test(text) && ready(),
          },
        );
        await started;
        const remote = await runBaton(
          ["run", spec, "--queue", redis.url(), "--store", store, "--json"],
          { cwd: workspace.dir },
        );
        const local = await runBaton(["run", spec, "--store", store, "--json"], {
          cwd: workspace.dir,
        });
        expect(remote.code, remote.stderr).toBe(0);
        const remoteReport = JSON.parse(remote.stdout);
        const localReport = JSON.parse(local.stdout);
        expect(remoteReport.status).toBe("succeeded");
        expect(remoteReport.output).toEqual(localReport.output);
        expect(remoteReport.usage).toEqual(localReport.usage);
        stop.abort();
        const stopped = await worker;
        expect(stopped.code).toBe(0);
        expect(stopped.stdout).toContain("Worker stopped.");
      } finally {
        stop.abort();
        await workspace.remove();
      }
    });
  });
});
