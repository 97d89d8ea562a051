/**
 * `npm run chaos:workers:soak`: many short workers chaos campaigns, several at a time, with
 * short owner leases and worker locks. A loaded machine (more campaigns than cores) stalls
 * event loops past leases and locks, which finds the rare interleavings one campaign on a
 * quiet machine does not: each campaign that leaves a run unfinished prints what the store
 * and Redis held of it. Exits 1 if any campaign failed.
 *
 *   npm run chaos:workers:soak -- --campaigns 30 --parallel 3
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { shortCampaign, workersChaos } from "./chaos-campaign.js";

const { values } = parseArgs({
  options: {
    campaigns: { type: "string", default: "30" },
    parallel: { type: "string", default: "3" },
    /** How long a campaign's runs may take to end once its chaos stops, in seconds. */
    wait: { type: "string", default: "60" },
    /** Internal: run one campaign in this process and print its report as JSON. */
    one: { type: "boolean", default: false },
  },
});

interface Summary {
  ok: boolean;
  seconds: number;
  outputsMatch: number;
  lost: number;
  duplicated: number;
  workerKills: number;
  failures: string[];
}

if (values.one) {
  const report = await workersChaos({
    ...shortCampaign,
    ownerStaleAfterMs: 2500,
    workerLockMs: 3000,
    workerStalledCheckMs: 1000,
    waitMs: Number(values.wait) * 1000,
  });
  const summary: Summary = {
    ok:
      report.failures.length === 0 &&
      report.outputsMatch === report.runs &&
      report.lost === 0 &&
      report.duplicated === 0,
    seconds: Math.round(report.seconds),
    outputsMatch: report.outputsMatch,
    lost: report.lost,
    duplicated: report.duplicated,
    workerKills: report.workerKills,
    failures: report.failures,
  };
  process.send?.(summary, () => process.exit(0));
} else {
  // Through tsx, not bundled: the campaign finds its worker and owner scripts next to it.
  const script = fileURLToPath(import.meta.url);
  const total = Number(values.campaigns);
  let started = 0;
  let failed = 0;
  const one = async (): Promise<void> => {
    while (started < total) {
      const index = ++started;
      const child = fork(script, ["--one", "--wait", String(values.wait)], {
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      });
      const summary = await new Promise<Summary | undefined>((resolve) => {
        child.on("message", (message: Summary) => resolve(message));
        child.on("exit", () => resolve(undefined));
      });
      if (!summary?.ok) failed++;
      console.log(
        summary
          ? `campaign ${index}: ${summary.ok ? "ok" : "FAILED"} in ${summary.seconds} s (${summary.outputsMatch}/${shortCampaign.runs} outputs, ${summary.lost} lost, ${summary.duplicated} duplicated, ${summary.workerKills} workers killed)`
          : `campaign ${index}: FAILED (its process exited without a report)`,
      );
      for (const failure of summary?.failures ?? []) console.log(`  - ${failure}`);
    }
  };
  await Promise.all(Array.from({ length: Number(values.parallel) }, one));
  console.log(`${total - failed} of ${total} campaigns met every figure`);
  process.exitCode = failed === 0 ? 0 : 1;
}
