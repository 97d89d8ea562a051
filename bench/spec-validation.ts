/**
 * How long validating and building a long spec takes: a dependency chain of N steps,
 * listed dependents first (the order that broke a recursive cycle search), as YAML text
 * through `parseSpec`, as data through `validateSpec`, and built with `buildWorkflow` and
 * compiled (`graph()`). Prints a Markdown table of milliseconds.
 *
 *   npx tsx bench/spec-validation.ts [--sizes 10000,20000,100000] [--order dependencies-first]
 */
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { buildWorkflow, parseSpec, validateSpec } from "../src/spec/index.js";
import { chainSpec } from "../src/spec/test-support/chain-spec.js";

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

console.log(
  `| steps (${order}) | YAML MB | parseSpec ms | validateSpec ms | buildWorkflow + graph ms |`,
);
console.log("| ---: | ---: | ---: | ---: | ---: |");
for (const size of values.sizes.split(",").map(Number)) {
  const data = chainSpec(size, { order });
  const text = stringify(data);
  const parse = time(() => parseSpec(text, { format: "yaml" }));
  const validate = time(() => validateSpec(data));
  const build = time(() => buildWorkflow(validateSpec(data)).graph());
  const megabytes = (text.length / 1e6).toFixed(1);
  console.log(`| ${size} | ${megabytes} | ${parse} | ${validate} | ${build} |`);
}
