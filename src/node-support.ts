/**
 * The Node.js versions Baton runs on, as package.json states them in `engines` (a test
 * keeps the two in step): 22.13 and later 22.x, the first where the built-in `node:sqlite`
 * (the run store, the CLI) needs no flag; 23.4 and later; 24 and later. This module
 * imports nothing, so an entry point can check before anything else loads.
 */
export const SUPPORTED_NODE_RANGE = ">=22.13 <23 || >=23.4";

/**
 * The one-line reason Baton cannot run on Node.js `version`, or `undefined` when it can.
 * @default version process.versions.node
 * @example unsupportedNodeMessage("20.20.2") // "baton needs Node.js >= 22.13 (found 20.20.2)"
 */
export function unsupportedNodeMessage(version = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const needed = major === 23 ? { major: 23, minor: 4 } : { major: 22, minor: 13 };
  if (major > 23 || (major === needed.major && minor >= needed.minor)) return undefined;
  return `baton needs Node.js >= ${needed.major}.${needed.minor} (found ${version})`;
}
