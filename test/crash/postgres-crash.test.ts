/**
 * The crash test on PostgreSQL: a real worker process runs a 200-step durable workflow on
 * a PostgreSQL database and is killed with SIGKILL at random (seeded) moments; after each
 * kill a new process, a different owner, resumes the run, until one finishes it. Counted
 * as in crash.test.ts: 0 finished steps lost, 0 run twice, the uninterrupted output.
 * `npm run chaos -- --only postgres` runs 30 kills (`--postgres-kills`); `CRASH_KILLS` and
 * `CRASH_SEED` set this test's.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type PostgresServer,
  postgresAvailable,
  sharedPostgresServer,
} from "../support/postgres-server.js";
import { crashRound } from "./crash-campaign.js";

const seed = Number(process.env.CRASH_SEED ?? 20_260_513);
const minimumKills = Number(process.env.CRASH_KILLS ?? 6);

describe.runIf(postgresAvailable())(
  "A durable run on PostgreSQL killed with SIGKILL at random moments",
  () => {
    const dir = join(tmpdir(), `baton-pg-crash-${process.pid}-${randomUUID()}`);
    let server: PostgresServer;
    beforeAll(async () => {
      server = await sharedPostgresServer();
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("finishes, each life resuming in a new process as a new owner: 0 finished steps lost or run twice, output as uninterrupted", {
      timeout: 300_000,
    }, async () => {
      const round = await crashRound({
        dir,
        seed,
        kills: minimumKills,
        postgres: await server.createDatabase("crash"),
      });
      expect(round.problems).toEqual([]);
      expect(round.kills, `seed ${seed}`).toBeGreaterThanOrEqual(minimumKills);
      expect(round.lost).toBe(0);
      expect(round.duplicated).toBe(0);
      console.log(
        `PostgreSQL crash test (seed ${seed}): ${round.lives} lives, ${round.kills} SIGKILLs (each life a new owner), ${round.interrupted} interrupted executions rerun`,
      );
    });
  },
);
