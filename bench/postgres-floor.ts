/**
 * What one step's append costs on PostgreSQL, and what no client can save of it: a bare round
 * trip (a statement that touches no table), PostgresStore's append (a step's end and the
 * next one's start, owner-checked) with commits that wait for their WAL flush and commits
 * that do not. The difference between the two appends is the flush; the round trip is the
 * floor under any statement. W5 on PostgreSQL (`npm run bench -- --only W5`) is the append
 * plus the engine's own work (W5 on SQLite, about 17 µs).
 *
 *   npx tsx bench/postgres-floor.ts
 *
 * Starts a PostgreSQL server of its own (Debian's binaries, on 127.0.0.1, the server's
 * durable defaults: fsync, synchronous commits) and stops it at the end. Cases take turns
 * within each round; each row is the median over rounds.
 */
import postgres from "postgres";
import type { LoggedEvent } from "../src/core/ports/run-store.js";
import { PostgresStore } from "../src/stores/postgres/index.js";
import { postgresAvailable, startPostgresServer } from "../test/support/postgres-server.js";

const rounds = 9;
const appendsPerRound = 1_000;

if (!postgresAvailable()) {
  console.log("No PostgreSQL server binaries (apt-get install postgresql): nothing to measure.");
  process.exit(0);
}

const server = await startPostgresServer({ durable: true });
try {
  const url = await server.createDatabase("floor");
  const synchronous = await PostgresStore.open(url);
  const asynchronous = await PostgresStore.open(`${url}?synchronous_commit=off`);
  const bare = postgres(url, { max: 1 });
  const owner = "bench";
  const step = (n: number): LoggedEvent[] => [
    { type: "step-end", at: Date.now(), stepId: `s${n}`, output: null, durationMs: 0 },
    { type: "step-start", at: Date.now(), stepId: `s${n + 1}`, attempt: 1 },
  ];
  const run = async (store: PostgresStore, id: string) => {
    await store.createRun({ id, workflow: "floor", status: "running", createdAt: Date.now() });
    if (!(await store.claimRun(id, owner, { now: Date.now(), staleBefore: 0 }))) {
      throw new Error(`could not claim run ${id}`);
    }
    let n = 0;
    return () => store.append(id, step(n++), { owner });
  };
  const cases: Record<string, () => Promise<unknown>> = {
    "round trip (SELECT of the same parameters, no table)": () =>
      bare.unsafe("SELECT $1::text, $2::text, $3::text", ["run", owner, "{}"], { prepare: true }),
    "append, synchronous commit (PostgreSQL's default)": await run(synchronous, "sync"),
    "append, synchronous_commit=off": await run(asynchronous, "async"),
  };
  const times = new Map<string, number[]>(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round <= rounds; round++) {
    for (const [name, once] of Object.entries(cases)) {
      const started = process.hrtime.bigint();
      for (let index = 0; index < appendsPerRound; index++) await once();
      const micros = Number(process.hrtime.bigint() - started) / 1_000 / appendsPerRound;
      // Round 0 warms the connections and the prepared statements.
      if (round > 0) times.get(name)!.push(micros);
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
  console.log(`| ${rounds} rounds of ${appendsPerRound} | µs each: median (min–max) |`);
  console.log("| --- | --: |");
  for (const [name, values] of times) {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(
      `| ${name} | ${median(values).toFixed(0)} (${sorted[0]!.toFixed(0)}–${sorted.at(-1)!.toFixed(0)}) |`,
    );
  }
  await bare.end();
  await synchronous.close();
  await asynchronous.close();
} finally {
  await server.stop();
}
