/**
 * The crash test on PostgreSQL: a real worker process runs a 200-step durable workflow on
 * a PostgreSQL database and is killed with SIGKILL at random (seeded) moments, at least 30
 * times; after each kill a new process, a different owner, resumes the run, until one
 * finishes it. Counted as in crash.test.ts: 0 finished steps lost, 0 run twice, the
 * uninterrupted output.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../../src/stores/postgres/postgres-store.js";
import {
  type PostgresServer,
  postgresAvailable,
  startPostgresServer,
} from "../support/postgres-server.js";
import { checkExecutions, crashUntilFinished } from "./crash-harness.js";
import { stepCount } from "./crash-workflow.js";

const child = join(import.meta.dirname, "postgres-child.ts");
const seed = Number(process.env.CRASH_SEED ?? 20_260_513);
const minimumKills = 30;

describe.runIf(postgresAvailable())(
  "A durable run on PostgreSQL killed with SIGKILL at random moments",
  () => {
    const dir = join(tmpdir(), `baton-pg-crash-${process.pid}-${randomUUID()}`);
    let server: PostgresServer;
    let url: string;
    beforeAll(async () => {
      mkdirSync(dir, { recursive: true });
      server = await startPostgresServer();
      url = await server.createDatabase("crash");
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("finishes, each life resuming in a new process as a new owner: 0 finished steps lost or run twice, output as uninterrupted", {
      timeout: 300_000,
    }, async () => {
      const effects = join(dir, "effects.log");
      const runId = "crash-run";
      const { lives, kills, finished } = await crashUntilFinished({
        script: child,
        args: [url, effects, runId],
        seed,
        minimumKills,
      });
      expect(kills, `seed ${seed}`).toBeGreaterThanOrEqual(minimumKills);
      expect(finished.result?.status).toBe("succeeded");

      const store = await PostgresStore.open(url, { readOnly: true });
      const log = await store.readLog(runId);
      await store.close();
      // The owner of each life that got as far as running the run: a new one every time.
      const owners = lives.flatMap((life) => /^owner (.+)$/m.exec(life.output)?.[1] ?? []);
      expect(new Set(owners).size).toBe(owners.length);
      const { interrupted, finishedSteps, problems } = await checkExecutions({
        log,
        effects,
        output: finished.result?.output,
        kills,
        seed,
        referenceEffects: join(dir, "reference.log"),
      });
      expect(problems).toEqual([]);
      expect(finishedSteps).toBe(stepCount);
      console.log(
        `PostgreSQL crash test (seed ${seed}): ${lives.length} lives, ${kills} SIGKILLs, ${owners.length} lives ran it (each a new owner), ${interrupted} interrupted executions rerun, ${finishedSteps} steps finished once each`,
      );
    });
  },
);
