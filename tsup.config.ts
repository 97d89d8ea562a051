import { cpSync } from "node:fs";
import { defineConfig } from "tsup";

const entry = {
  index: "src/index.ts",
  "patterns/index": "src/patterns/index.ts",
  "orchestrator/index": "src/orchestrator/index.ts",
  "registry/index": "src/registry/index.ts",
  "tools/index": "src/tools/index.ts",
  "testing/index": "src/testing/index.ts",
  "stores/sqlite/index": "src/stores/sqlite/index.ts",
  "stores/memory/index": "src/stores/memory/index.ts",
  "durable/index": "src/durable/index.ts",
  "spec/index": "src/spec/index.ts",
  "events/index": "src/events/index.ts",
  "views/index": "src/views/index.ts",
  "stats/index": "src/stats/index.ts",
  "models/index": "src/models/index.ts",
  "engine/index": "src/engine/index.ts",
  "telemetry/index": "src/telemetry/index.ts",
  "stores/postgres/index": "src/stores/postgres/index.ts",
  "dashboard/index": "src/dashboard/index.ts",
  "workers/index": "src/workers/index.ts",
};

export default defineConfig({
  entry: { ...entry, "cli/main": "src/cli/main.ts" },
  format: ["esm"],
  dts: { entry },
  target: "node22",
  platform: "node",
  // Maps cost nothing at load time: Node reads them only under --enable-source-maps.
  sourcemap: true,
  clean: true,
  // Shared code goes into chunks, and `import()` of a heavy dependency (model providers, the
  // AI SDK) stays an `import()`, so `dist/index.js` loads none of them (see
  // src/import-cost.test.ts).
  splitting: true,
  // Keep `node:` in imports: `node:sqlite` exists only under that name.
  removeNodeProtocol: false,
  // The dashboard's page (HTML, one script, one stylesheet) is served from files, not bundled.
  onSuccess: async () => {
    cpSync("src/dashboard/client", "dist/dashboard/client", { recursive: true });
  },
});
