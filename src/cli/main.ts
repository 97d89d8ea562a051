#!/usr/bin/env node
/**
 * The `baton` command: `baton run <spec>`, `baton runs`, `baton show <runId>`, ... See
 * docs/cli.md.
 * @module baton/cli
 */
import { processContext } from "./cli-context.js";
import { runCli } from "./run-cli.js";

const context = processContext();
process.exitCode = await runCli(process.argv.slice(2), context);
context.dispose();
