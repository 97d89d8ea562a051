/**
 * Crash test: a real worker process runs a 200-step durable workflow on a SQLite file and
 * is killed with SIGKILL at random (seeded) moments, 6 times (`CRASH_KILLS`); after each
 * kill a new process resumes the run, until one finishes it. How executions are counted,
 * and what must hold: see crash-campaign.ts. `npm run chaos` runs more such rounds (50
 * kills).
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crashRound } from "./crash-campaign.js";

const seed = Number(process.env.CRASH_SEED ?? 20_260_101);
const minimumKills = Number(process.env.CRASH_KILLS ?? 6);

describe("A durable run killed with SIGKILL at random moments", () => {
  const dir = join(tmpdir(), `baton-crash-${process.pid}-${randomUUID()}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finishes after every kill is resumed: each finished step ran once, in-flight steps ran again, output as uninterrupted", {
    timeout: 120_000,
  }, async () => {
    const round = await crashRound({ dir, seed, kills: minimumKills });
    expect(round.problems).toEqual([]);
    expect(round.kills, `seed ${seed}`).toBeGreaterThanOrEqual(minimumKills);
    expect(round.lost).toBe(0);
    expect(round.duplicated).toBe(0);
    console.log(
      `crash test (seed ${seed}): ${round.lives} lives, ${round.kills} SIGKILLs, ${round.interrupted} interrupted executions rerun`,
    );
  });
});
