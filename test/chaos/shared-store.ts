/**
 * The shared-store part of the chaos campaign: several processes share one SQLite file,
 * each running `baton run` (a real process) one run after another on it, as users running
 * Baton from a few terminals or cron jobs do. Some runs are killed with SIGKILL mid-run, so
 * the next process opens the file right after a writer died. Every other run must succeed:
 * no "database is locked", no healthy file reported as corrupt. Afterwards every run in the
 * store must read back whole.
 *
 * @example
 * const report = await sharedStore({ dir, processes: 4, runsEach: 15 });
 * console.log(report.errors);
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { seededRandom } from "../../bench/workloads/seeded-random.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { startBaton } from "../cli/cli-harness.js";

export interface SharedStoreOptions {
  /** A directory to work in (the spec and the shared file go there). */
  dir: string;
  /** Processes at once, each a lane of `baton run`s. @default 4 */
  processes?: number;
  /** Runs per lane, one after another. @default 15 */
  runsEach?: number;
  /** One run in this many (counted over all lanes) is killed with SIGKILL while it runs (0: none). @default 5 */
  killEvery?: number;
  /** Seeds when kills land. @default 1 */
  seed?: number;
  /** Told after each run ends. */
  onRun?: (done: number, runs: number) => void;
}

export interface SharedStoreReport {
  processes: number;
  /** `baton run`s started. */
  runs: number;
  /** Runs killed on purpose. */
  killed: number;
  /** Runs that were not killed and did not succeed: each a failure to share the file. */
  errors: string[];
  /** Runs the store holds afterwards, and problems reading them back (gaps, unreadable logs). */
  storedRuns: number;
  readProblems: string[];
  durationMs: number;
}

const spec = `name: shared-store
agents:
  writer: { model: "simulated:writer?latency=20" }
steps:
${Array.from(
  { length: 6 },
  (_, index) =>
    `  - { id: s${index}, agent: writer${index > 0 ? `, dependsOn: s${index - 1}` : ""}, input: "Part ${index}" }`,
).join("\n")}
`;

/** Runs the shared-store campaign; see the module comment. */
export async function sharedStore({
  dir,
  processes = 4,
  runsEach = 15,
  killEvery = 5,
  seed = 1,
  onRun,
}: SharedStoreOptions): Promise<SharedStoreReport> {
  const started = performance.now();
  const specPath = join(dir, "shared.yaml");
  await writeFile(specPath, spec);
  const store = join(dir, "shared.db");
  const random = seededRandom(seed);
  const runs = processes * runsEach;
  const report: SharedStoreReport = {
    processes,
    runs,
    killed: 0,
    errors: [],
    storedRuns: 0,
    readProblems: [],
    durationMs: 0,
  };
  let done = 0;

  const lane = async (laneIndex: number) => {
    for (let index = 0; index < runsEach; index++) {
      const number = laneIndex * runsEach + index;
      const kill = killEvery > 0 && number % killEvery === 0;
      const killAfterMs = Math.floor(random() * 300);
      const baton = startBaton(["run", specPath, "--store", store], { cwd: dir });
      let code: number | null;
      if (kill) {
        // Once the run is under way (its progress lines go to stderr), at a random moment.
        await baton
          .waitFor(/step s0 started/, { stream: "stderr", timeoutMs: 120_000 })
          .catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, killAfterMs));
        code = await baton.stop("SIGKILL");
      } else {
        code = await baton.exited();
      }
      if (kill && code === null) report.killed++;
      else if (code !== 0 || !/\) succeeded\n/.test(baton.stdout())) {
        const last = baton.stderr().trim().split("\n").at(-1) ?? "";
        report.errors.push(`process ${laneIndex + 1}, run ${index + 1}: exit ${code}: ${last}`);
      }
      onRun?.(++done, runs);
    }
  };
  await Promise.all(Array.from({ length: processes }, (_, index) => lane(index)));

  const reader = new SqliteStore({ path: store, readOnly: true });
  try {
    const stored = await reader.listRuns();
    report.storedRuns = stored.length;
    for (const run of stored) {
      const seqs = (await reader.readLog(run.id)).map((event) => event.seq);
      if (seqs.some((seq, index) => seq !== index + 1)) {
        report.readProblems.push(`${run.id}: its log has gaps (${seqs.join(",")})`);
      }
    }
  } catch (error) {
    report.readProblems.push(error instanceof Error ? error.message : String(error));
  } finally {
    await reader.close();
  }
  report.durationMs = performance.now() - started;
  return report;
}
