import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = fileURLToPath(new URL("./src/", import.meta.url));

export default defineConfig({
  resolve: {
    // Code written as a user writes it (README quick starts) imports "baton-ai": in tests
    // that is the source, not a build that may be stale.
    alias: [
      { find: /^baton-ai$/, replacement: `${source}index.ts` },
      { find: /^baton-ai\/(.+)$/, replacement: `${source}$1/index.ts` },
    ],
  },
  test: {
    include: [
      "src/**/*.test.ts",
      "test/**/*.test.ts",
      "examples/**/*.test.ts",
      "bench/workloads/**/*.test.ts",
    ],
    setupFiles: ["test/setup/capture-warnings.ts"],
    // One PostgreSQL server for the run, shared by the files that need one.
    globalSetup: ["test/setup/postgres.ts"],
    // Test files share their workers and loaded modules instead of each starting a fresh
    // one: on 2 cores the suite takes a quarter of the CPU time (measured: 27 s instead of
    // 111 s). Tests inject their clocks, ids and stores, so no file depends on another's
    // state (the suite passes in shuffled order: --sequence.shuffle).
    isolate: false,
    // One test file per core at once (vitest's default leaves one core out: on 2 cores that
    // is one file at a time). Many files wait on processes they started (crash lives,
    // workers, PostgreSQL): measured, the files' durations add up to 172 s and the suite
    // takes 95 s (docs/testing.md).
    maxWorkers: "100%",
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
