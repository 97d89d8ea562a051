import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runExample } from "../test/support/run-example.js";

describe("examples/customer-support.ts", () => {
  it("routes each message to its support subagent, then runs follow-ups by priority", async () => {
    const { stdout } = await runExample(join(import.meta.dirname, "customer-support.ts"));
    expect(stdout).toMatch(
      /Customer: Was invoice INV-1002 paid\?.*\n {2}routed to: billing \(tools: lookup_invoice ✓\)/,
    );
    expect(stdout).toMatch(
      /reply: \(billing\) \[simulated:billing\] Based on lookup_invoice: \{"amountEuros":19.99,"status":"overdue"\}/,
    );
    expect(stdout).toMatch(
      /Customer: Where is my parcel PX42\?.*\n {2}routed to: shipping \(tools: track_parcel ✓\)/,
    );
    expect(stdout).toMatch(/Customer: The app logs me out.*\n {2}routed to: technical\n/);
    expect(stdout).toMatch(/└─ ✓ delegate_to_subagents \{"tasks":\[\{"agent":"technical"/);
    expect(stdout).toContain("└─ ✓ task answer → technical");
    // Two run at once; the urgent refund starts before the priority-1 and priority-0 tasks still waiting.
    const starts = [...stdout.matchAll(/start {2}task_\w+ \((\w+), priority (\d+)\)/g)].map(
      (match) => `${match[1]}:${match[2]}`,
    );
    expect(starts).toEqual(["technical:0", "shipping:0", "billing:10", "shipping:1"]);
    expect(stdout.match(/^ {2}succeeded task_/gm)).toHaveLength(4);
  });
});
