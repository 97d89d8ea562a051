import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Tests of the benchmark's own tools: `npx vitest run --config bench/vitest.config.ts`. */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["bench/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
  },
});
