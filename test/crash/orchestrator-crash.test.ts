/**
 * Crash test of an orchestrator (see orchestrator-crash.ts): its `process()` run killed
 * with SIGKILL 3 times (`CRASH_KILLS`) at seeded moments and resumed each time gives the uninterrupted
 * answer and spend, and makes again only the calls in flight at a kill. `npm run chaos`
 * runs a round with 30 kills. `CRASH_SEED` sets the seed.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { orchestratorCrashRound } from "./orchestrator-crash.js";

const seed = Number(process.env.CRASH_SEED ?? 20_260_218);
const kills = Number(process.env.CRASH_KILLS ?? 3);

describe("An orchestrator run killed with SIGKILL at random moments", () => {
  const dir = join(tmpdir(), `baton-orchestrator-crash-${process.pid}-${randomUUID()}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resumes each time: finished calls are never made again, the answer and the spend are the uninterrupted run's", {
    timeout: 240_000,
  }, async () => {
    const round = await orchestratorCrashRound({ dir, seed, kills });
    console.log(
      `orchestrator crash test (seed ${seed}): ${round.lives} lives, ${round.kills} SIGKILLs; ` +
        `${round.requests} requests for the uninterrupted run's ${round.uninterruptedRequests}; ` +
        `made again after each kill: ${round.madeAgain.join(" ")}; ` +
        `${round.cutShort} calls logged as cut short (${round.possiblyBilledTokens} tokens possibly billed)`,
    );
    expect(round.problems).toEqual([]);
    expect(round.kills).toBe(kills);
    expect(round.requests).toBe(
      round.uninterruptedRequests + round.madeAgain.reduce((sum, count) => sum + count, 0),
    );
  });
});
