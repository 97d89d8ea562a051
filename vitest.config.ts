import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "src/**/*.test.ts",
      "test/**/*.test.ts",
      "examples/**/*.test.ts",
      "bench/workloads/**/*.test.ts",
    ],
    setupFiles: ["test/setup/capture-warnings.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
