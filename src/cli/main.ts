#!/usr/bin/env node
import { readFileSync } from "node:fs";

const packageJson = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
) as { version: string };

if (process.argv.includes("--version") || process.argv.includes("-v")) {
  console.log(packageJson.version);
}
