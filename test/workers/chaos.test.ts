import { describe, expect, it } from "vitest";
import { redisAvailable } from "../support/redis-server.js";
import { shortCampaign, workersChaos } from "./chaos-campaign.js";

describe.runIf(redisAvailable())(
  "Workers under chaos (short; npm run chaos:workers is the full campaign)",
  () => {
    it("finishes every run with its uninterrupted output while workers and owners are SIGKILLed: 0 lost, 0 duplicated", {
      timeout: 240_000,
    }, async () => {
      const report = await workersChaos({
        ...shortCampaign,
        // Within the test's time: a run left unfinished is reported with what the store and
        // Redis held of it, rather than as a timeout.
        waitMs: 120_000,
      });
      expect(report.failures).toEqual([]);
      expect(report.outputsMatch).toBe(8);
      expect(report.lost).toBe(0);
      expect(report.duplicated).toBe(0);
      expect(report.workerKills).toBeGreaterThanOrEqual(3);
      expect(report.ownerKills).toBe(2);
      // Every answer Baton recorded was served; answers a worker got as it was killed (or as it
      // lost its job to another) may be served and not recorded: at most the calls in flight there.
      expect(report.recordedTokens).toBeLessThanOrEqual(report.servedTokens);
      expect(report.servedTokens - report.recordedTokens).toBeLessThanOrEqual(
        report.workerKills * report.concurrency * report.tokensPerAnswer,
      );
      // A call logged as ended without its reply is booked at most once (a call cut short by
      // a worker's death: by the owner, or by the replay of the delivery that took it over).
      expect(report.possiblyBilledTokens).toBeLessThanOrEqual(report.loggedPossiblyBilledTokens);
      // Most of those calls are booked as possibly billed (when the step ends, the owner logs
      // the calls a dead delivery left open), but not all can be: a start the worker had not
      // yet sent, or one sent to an owner that died, is not known to the owner that settles.
    });
  },
);
