/**
 * What a store costs per event: MemoryStore and SqliteStore appends (one event per call,
 * and the engine's two-event batches), next to raw node:sqlite INSERTs of the same
 * payloads (already serialized) in one transaction per batch, plus reading and parsing a
 * 10,000-event log (what resume does).
 *
 *   npx tsx bench/store-append.ts
 *
 * Cases take turns within each round, so a noisy neighbour slows all of them alike;
 * each row is the median over rounds. Compare rows of one run with each other.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { LoggedEvent, RunStore } from "../src/core/ports/run-store.js";
import { MemoryStore } from "../src/stores/memory/index.js";
import { SqliteStore } from "../src/stores/sqlite/index.js";

const rounds = 9;
const appendsPerRound = 2_000;
const logLength = 10_000;

const dir = join(tmpdir(), `baton-bench-store-${process.pid}-${randomUUID()}`);
mkdirSync(dir, { recursive: true });

function stepEvents(step: number): [LoggedEvent, LoggedEvent] {
  const stepId = `step-${step % 50}`;
  return [
    { type: "step-start", at: 1_760_000_000_000 + step, stepId, attempt: 1 },
    {
      type: "step-end",
      at: 1_760_000_000_000 + step,
      stepId,
      output: { text: "The answer, in a sentence or two of model output. ".repeat(3) },
      usage: { inputTokens: 412, outputTokens: 96, totalTokens: 508 },
      cost: { inputCents: 0.0062, outputCents: 0.0058, totalCents: 0.012 },
      durationMs: 812,
    },
  ];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One benchmark case: `round` appends `appendsPerRound` batches of `batchSize` events. */
interface AppendCase {
  name: string;
  batchSize: 1 | 2;
  round: (runId: string) => Promise<void>;
  close: () => Promise<void>;
}

function storeCase(name: string, batchSize: 1 | 2, store: RunStore): AppendCase {
  return {
    name: `${name}: append, ${batchSize}-event batch`,
    batchSize,
    async round(runId) {
      await store.createRun({ id: runId, workflow: "bench", status: "running", createdAt: 0 });
      for (let step = 0; step < appendsPerRound; step++) {
        const [start, end] = stepEvents(step);
        await store.append(runId, batchSize === 1 ? [start] : [start, end]);
      }
    },
    close: () => store.close(),
  };
}

/** The floor: prepared INSERTs of pre-serialized payloads, one transaction per batch. */
function rawCase(batchSize: 1 | 2): AppendCase {
  const db = new DatabaseSync(join(dir, `raw-${batchSize}.db`));
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
  db.exec(
    "CREATE TABLE events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, " +
      "at INTEGER NOT NULL, payload TEXT, PRIMARY KEY (run_id, seq)) WITHOUT ROWID",
  );
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const insert = db.prepare("INSERT INTO events VALUES (?, ?, ?, ?, ?)");
  const rows = Array.from({ length: appendsPerRound }, (_, step) =>
    stepEvents(step).map(({ type, at, ...fields }) => [type, at, JSON.stringify(fields)] as const),
  );
  return {
    name: `raw node:sqlite: ${batchSize} INSERT per transaction`,
    batchSize,
    async round(runId) {
      let seq = 0;
      for (let step = 0; step < appendsPerRound; step++) {
        begin.run();
        for (let index = 0; index < batchSize; index++) {
          const [type, at, payload] = rows[step]![index]!;
          insert.run(runId, ++seq, type, at, payload);
        }
        commit.run();
      }
    },
    close: async () => db.close(),
  };
}

async function appendRows(cases: AppendCase[]): Promise<string[]> {
  const samples = cases.map(() => [] as number[]);
  for (let round = -1; round < rounds; round++) {
    for (const [index, item] of cases.entries()) {
      const start = performance.now();
      await item.round(`run-${round + 1}`);
      const perCall = ((performance.now() - start) * 1000) / appendsPerRound;
      if (round >= 0) samples[index]!.push(perCall); // round -1 warms up JIT and caches
    }
  }
  for (const item of cases) await item.close();
  return cases.map((item, index) => {
    const perCall = median(samples[index]!);
    return `${item.name.padEnd(48)} ${perCall.toFixed(2).padStart(10)} µs ${(perCall / item.batchSize).toFixed(2).padStart(10)} µs`;
  });
}

async function readLogRow(name: string, store: RunStore): Promise<string> {
  await store.createRun({ id: "long", workflow: "bench", status: "running", createdAt: 0 });
  for (let step = 0; step < logLength / 2; step++) await store.append("long", stepEvents(step));
  const samples: number[] = [];
  for (let round = -1; round < rounds; round++) {
    const start = performance.now();
    const length = (await store.readLog("long")).length;
    if (round >= 0) samples.push(performance.now() - start);
    if (length !== logLength) throw new Error(`expected ${logLength} events, read ${length}`);
  }
  await store.close();
  const totalMs = median(samples);
  return `${`${name}: readLog, ${logLength} events`.padEnd(48)} ${totalMs.toFixed(1).padStart(10)} ms ${((totalMs * 1000) / logLength).toFixed(2).padStart(10)} µs`;
}

const sqlite = (name: string, options: { locking?: "exclusive" } = {}) =>
  new SqliteStore({ path: join(dir, `${name}.db`), ...options });

try {
  const appendLines = await appendRows([
    storeCase("MemoryStore", 1, new MemoryStore()),
    storeCase("MemoryStore", 2, new MemoryStore()),
    storeCase("SqliteStore", 1, sqlite("s1")),
    storeCase("SqliteStore", 2, sqlite("s2")),
    storeCase("SqliteStore exclusive", 1, sqlite("x1", { locking: "exclusive" })),
    storeCase("SqliteStore exclusive", 2, sqlite("x2", { locking: "exclusive" })),
    rawCase(1),
    rawCase(2),
  ]);
  const readLines = [
    await readLogRow("MemoryStore", new MemoryStore()),
    await readLogRow("SqliteStore", sqlite("read")),
  ];
  console.log(
    `Store costs: medians of ${rounds} interleaved rounds, ${appendsPerRound} appends each\n`,
  );
  console.log(`${"case".padEnd(48)} ${"per call".padStart(13)} ${"per event".padStart(13)}`);
  for (const line of [...appendLines, ...readLines]) console.log(line);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
