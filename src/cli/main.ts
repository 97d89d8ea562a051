#!/usr/bin/env node
/**
 * The `baton` command: `baton run <spec>`, `baton runs`, `baton show <runId>`, ... See
 * docs/cli.md.
 * @module baton/cli
 */
// Imports nothing else: on an unsupported Node.js this is the one line the user sees, before
// anything that would fail there (node:sqlite) is loaded.
import { unsupportedNodeMessage } from "../node-support.js";

const unsupported = unsupportedNodeMessage();
if (unsupported) {
  process.stderr.write(`${unsupported}\n`);
  process.exitCode = 1;
} else {
  const [{ processContext }, { runCli }] = await Promise.all([
    import("./cli-context.js"),
    import("./run-cli.js"),
  ]);
  const context = processContext();
  process.exitCode = await runCli(process.argv.slice(2), context);
  context.dispose();
}
