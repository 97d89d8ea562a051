/**
 * `npm run chaos:workers`: the workers chaos campaign of issue 14 at full size (100 runs x 20
 * agent steps, 4 workers, a worker SIGKILLed every ~2 s for a minute, each of two owners
 * SIGKILLed once), printed as a table of figures against targets. Exits 1 on a miss.
 *
 *   npm run chaos:workers -- --runs 100 --seconds 60
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { workersChaos } from "./chaos-campaign.js";
import { LAYERS, WIDTH } from "./chaos-workflows.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "100" },
    seconds: { type: "string", default: "60" },
    workers: { type: "string", default: "4" },
    latency: { type: "string", default: "300" },
    wait: { type: "string", default: "300" },
  },
});
const report = await workersChaos({
  runs: Number(values.runs),
  durationMs: Number(values.seconds) * 1000,
  workers: Number(values.workers),
  latencyMs: Number(values.latency),
  waitMs: Number(values.wait) * 1000,
  log: (line) => process.stderr.write(`${line}\n`),
});
const short = report.servedTokens - report.recordedTokens;
const rows: [string, string, string, boolean][] = [
  [
    "runs finished with the uninterrupted output",
    `${report.runs}`,
    `${report.outputsMatch}`,
    report.outputsMatch === report.runs,
  ],
  ["finished steps lost", "0", `${report.lost}`, report.lost === 0],
  ["finished steps duplicated", "0", `${report.duplicated}`, report.duplicated === 0],
  [
    "usage: tokens recorded = tokens served, but for answers in flight on a killed worker (most booked as possibly billed)",
    `${report.servedTokens}, short by at most ${report.workerKills * report.concurrency} answers`,
    `${report.recordedTokens}${short !== 0 ? ` (${short / report.tokensPerAnswer} answers short; ${report.possiblyBilledTokens} tokens booked as possibly billed)` : ""}`,
    short >= 0 && short <= report.workerKills * report.concurrency * report.tokensPerAnswer,
  ],
  [
    "calls ended without their reply booked at most once: possibly billed tokens <= those the logs hold",
    `<= ${report.loggedPossiblyBilledTokens}`,
    `${report.possiblyBilledTokens}`,
    report.possiblyBilledTokens <= report.loggedPossiblyBilledTokens,
  ],
  ["workers SIGKILLed", "~1 per 2 s", `${report.workerKills}`, report.workerKills > 0],
  ["owners SIGKILLed", "2", `${report.ownerKills}`, report.ownerKills === 2],
];
console.log("| figure | target | measured | met |\n| --- | --- | --- | --- |");
for (const [figure, target, measured, met] of rows)
  console.log(`| ${figure} | ${target} | ${measured} | ${met ? "yes" : "**no**"} |`);
console.log(
  `\n${report.answers} answers served (${report.servedTokens / report.tokensPerAnswer - report.runs * LAYERS * WIDTH} answers written beyond one a step: calls made again); the campaign took ${report.seconds.toFixed(0)} s; load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(", ")}`,
);
for (const failure of report.failures.slice(0, 20)) console.log(`- ${failure}`);
process.exitCode = rows.every((row) => row[3]) ? 0 : 1;
