import { defineConfig } from "tsup";

const entry = {
  index: "src/index.ts",
  "testing/index": "src/testing/index.ts",
  "stores/sqlite/index": "src/stores/sqlite/index.ts",
};

export default defineConfig({
  entry: { ...entry, "cli/main": "src/cli/main.ts" },
  format: ["esm"],
  dts: { entry },
  target: "node22",
  platform: "node",
  sourcemap: true,
  clean: true,
  splitting: true,
});
