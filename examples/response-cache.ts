/**
 * A response cache: the same question asked again is answered without a model call, at no
 * cost, in memory or in the SQLite file (where other processes find it too); for one agent,
 * or for every agent of a workflow run (kept in the run store).
 *
 * Offline: a simulated model, priced here as if it were a paid one so the saving shows.
 *
 *   npx tsx examples/response-cache.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agent, workflow } from "../src/index.js";
import { runStatistics } from "../src/stats/index.js";
import { MemoryStore } from "../src/stores/memory/index.js";
import { SqliteStore } from "../src/stores/sqlite/index.js";

const price = { inputPerMillion: 0.15, outputPerMillion: 0.6 };
const prices = { "simulated:faq": price, "simulated:researcher": price, "simulated:writer": price };
const faq = agent({
  name: "faq",
  model: "simulated:faq",
  instructions: "Answer customer questions briefly.",
  prices,
  cache: { ttlMs: 60 * 60 * 1000 },
});

console.log("In memory:");
for (const attempt of [1, 2]) {
  const result = await faq.run("What are your opening hours?");
  const call = result.modelCalls[0];
  console.log(
    `  ask ${attempt}: ${call?.cached ? "from the cache" : "model called"}, ${result.usage.totalTokens} tokens, ${result.cost.totalCents?.toFixed(5)}¢`,
  );
}

console.log("In the SQLite file, across two handles (as two processes would):");
const directory = mkdtempSync(join(tmpdir(), "baton-cache-"));
try {
  const path = join(directory, "baton.db");
  for (const process of ["first", "second"]) {
    const store = new SqliteStore({ path });
    const shared = agent({
      name: "faq",
      model: "simulated:faq",
      prices,
      cache: { ttlMs: 86_400_000, store: store.responseCache },
    });
    const result = await shared.run("Do you ship to Norway?");
    console.log(
      `  ${process}: ${result.modelCalls[0]?.cached ? "from the cache" : "model called"}, ${result.cost.totalCents?.toFixed(5)}¢`,
    );
    await store.close();
  }

  console.log("A workflow run's cache, in its run store (the same file):");
  const report = workflow<string>("report")
    .step("facts", agent({ name: "researcher", model: "simulated:researcher", prices }))
    .step("draft", agent({ name: "writer", model: "simulated:writer", prices }), {
      dependsOn: ["facts"],
      input: ({ results }) => `Write up: ${results.facts.text}`,
    });
  for (const process of ["first", "second"]) {
    const store = new SqliteStore({ path });
    const result = await report.run("Tides in Brest", { store, cache: { ttlMs: 86_400_000 } });
    console.log(`  ${process} run: 2 agent steps, ${result.cost.totalCents?.toFixed(5)}¢`);
    await store.close();
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}

console.log("Across workflow runs, in the statistics:");
const runs = new MemoryStore();
const desk = workflow<string>("desk").step("answer", faq);
for (const question of [
  "Where is my order?",
  "Where is my order?",
  "Where is my order?",
  "Can I return shoes?",
]) {
  await desk.run(question, { store: runs });
}
const stats = await runStatistics(runs);
console.log(
  `  ${stats.cache.hits} hits, ${stats.cache.misses} misses: hit rate ${Math.round((stats.cache.hitRate ?? 0) * 100)}%`,
);
