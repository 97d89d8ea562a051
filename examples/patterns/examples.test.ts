import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runExample } from "../../test/support/run-example.js";

const folder = import.meta.dirname;

/** What each example must print: the pattern's own result, then what it spent. */
const expected: Record<string, RegExp[]> = {
  "sequential.ts": [/^researcher: \[simulated:researcher\]/m, /^editor: /m, /^Final: /m],
  "parallel.ts": [
    /\[synthesis-start\]\n\[synthesis-end\]/,
    /^optimist: .*\npessimist: .*\nrealist: /m,
    /^Merged: \[simulated:editor\]/m,
  ],
  "swarm.ts": [
    /^pricing \(scout-a\): .*\ncompetitors \(scout-b\): .*\nregulation \(scout-a\): /m,
    /^Recommendation: \[simulated:analyst\]/m,
  ],
  "router.ts": [
    /^Please refund my last invoice -> billing \(by rule\)/m,
    /^The app crashes when I log in -> \w+ \(by model\)/m,
  ],
  "conditional.ts": [/^condition false -> responder: /m, /^condition true -> summarizer: /m],
  "iterate.ts": [/^draft 1: /m, /^Stopped by (judge|until|max-iterations) after [1-3] drafts$/m],
  "supervisor.ts": [
    /^\[custom:review\] \{"draft":1,/m,
    /^approved: (true|false), escalated: (true|false), drafts: [12]$/m,
  ],
  "consensus.ts": [
    /^cfo: (for|against)\ncto: (for|against)\ncoo: (for|against)$/m,
    /^Decision: (approved|rejected) \(\d+% in favour, needed 66%\)$/m,
  ],
  "debate.ts": [
    /^round 1 pro: .*\nround 1 con: .*\nround 2 pro: .*\nround 2 con: /m,
    /^Winner: (pro|con|tie)\. /m,
  ],
  "chain-of-thought.ts": [
    /^1\. List what is known: .*\n2\. Plan the calculation: .*\n3\. Carry it out/m,
    /^Answer: /m,
  ],
  "cascade.ts": [
    /^analyse-1 <- \[search-1, search-2, search-3\]$/m,
    /^write-1 <- \[analyse-1, analyse-2\]$/m,
    /^search: 6 answers\nanalyse: 2 answers\nwrite: 1 answers$/m,
  ],
  "plan-and-execute.ts": [
    /\[decomposition-start\]\n\[decomposition-end\]\n\[synthesis-start\]\n\[synthesis-end\]/,
    /^payback by analyst \(after prices, subsidies\): /m,
    /^Answer: \[simulated:editor\]/m,
  ],
  "collaborative.ts": [
    /^round 1, engineer: .*\nround 1, designer: .*\nround 1, lawyer: .*\nround 2, engineer: /m,
    /^Final draft: \[simulated:lawyer\]/m,
  ],
  "custom-orchestration.ts": [
    /\[decomposition-start\]\n\[decomposition-end\]\n\[synthesis-start\]\n\[synthesis-end\]/,
    /^src\/cart\.ts: .*\nsrc\/checkout\.ts: .*\nsrc\/prices\.ts: /m,
    /^Summary: \[simulated:lead\]/m,
  ],
};

describe("examples/patterns", () => {
  it("has an expectation for every example, and an example for every expectation", () => {
    const files = readdirSync(folder).filter(
      (file) => file.endsWith(".ts") && !file.endsWith(".test.ts"),
    );
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(expected))(
    "%s runs offline and prints its result and spend",
    async (file) => {
      const { stdout, stderr } = await runExample(join(folder, file));
      for (const pattern of expected[file]!) expect(stdout).toMatch(pattern);
      expect(stdout).toMatch(
        /^Spent: [1-9]\d* tokens \(\d+ in, \d+ out\) in \d+ steps?; cost 0\.0000¢$/m,
      );
      expect(stderr).toBe("");
    },
  );
});
