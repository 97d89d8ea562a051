import { describe, expect, it } from "vitest";
import { formatTable } from "./text-table.js";

describe("formatTable", () => {
  it("pads columns to their widest cell, counting symbols as one column", () => {
    expect(
      formatTable(
        ["step", "cost"],
        [
          ["✓ plan", "0.0100¢"],
          ["○ a-long-step", "1.0000¢"],
        ],
        { alignRight: [1] },
      ).split("\n"),
    ).toEqual([
      "step              cost",
      "-------------  -------",
      "✓ plan         0.0100¢",
      "○ a-long-step  1.0000¢",
    ]);
  });
});
