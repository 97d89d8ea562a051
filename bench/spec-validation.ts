/**
 * How long validating and building a long spec takes: a dependency chain of N steps (each
 * reading the one before through a template), listed dependents first (the order that broke
 * a recursive cycle search), as YAML and JSON text through `parseSpec`, as data through
 * `validateSpec`, and built with `buildWorkflow` and compiled (`graph()`). Also the longest
 * stretch `parseSpec`'s work goes without yielding, which bounds how long Ctrl-C waits in the
 * CLI. Prints a Markdown table of milliseconds (wall clock, and the machine's load average).
 *
 *   npx tsx bench/spec-validation.ts [--sizes 10000,20000,100000] [--order dependencies-first]
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { buildWorkflow, validateSpec } from "../src/spec/index.js";
import { parseSpecWork } from "../src/spec/parse-spec.js";
import { chainSpec } from "../src/spec/test-support/chain-spec.js";
import type { Work } from "../src/spec/work.js";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,20000,100000" },
    order: { type: "string", default: "dependents-first" },
  },
});
const order = values.order === "dependencies-first" ? "dependencies-first" : "dependents-first";

function time(action: () => unknown): string {
  const start = performance.now();
  try {
    action();
  } catch (error) {
    return `${(error as Error).name} after ${Math.round(performance.now() - start)}`;
  }
  return String(Math.round(performance.now() - start));
}

/** Runs `work` to its end: total ms and the longest ms between two yields. */
function slices(work: Work<unknown>): string {
  const start = performance.now();
  let longest = 0;
  for (;;) {
    const sliceStart = performance.now();
    const step = work.next();
    longest = Math.max(longest, performance.now() - sliceStart);
    if (step.done) break;
  }
  return `${Math.round(performance.now() - start)} (${Math.round(longest)})`;
}

console.log(
  `load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(" ")}\n`,
);
console.log(
  `| steps (${order}) | YAML MB | parseSpec YAML ms (longest slice) | parseSpec JSON ms (longest slice) | validateSpec ms | buildWorkflow + graph ms |`,
);
console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
for (const size of values.sizes.split(",").map(Number)) {
  const data = chainSpec(size, { order });
  const yaml = stringify(data);
  const json = JSON.stringify(data, null, 1);
  const parsedYaml = slices(parseSpecWork(yaml, { format: "yaml" }));
  const parsedJson = slices(parseSpecWork(json, { format: "json" }));
  const validated = time(() => validateSpec(data));
  const built = time(() => buildWorkflow(data as never).graph());
  const megabytes = (yaml.length / 1e6).toFixed(1);
  console.log(
    `| ${size} | ${megabytes} | ${parsedYaml} | ${parsedJson} | ${validated} | ${built} |`,
  );
}
