import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SUPPORTED_NODE_RANGE, unsupportedNodeMessage } from "./node-support.js";

describe("unsupportedNodeMessage", () => {
  it("accepts 22.13 and later 22.x, 23.4 and later, 24 and later", () => {
    for (const version of [
      "22.13.0",
      "22.20.1",
      "23.4.0",
      "23.11.1",
      "24.0.0",
      "24.21.0",
      "26.1.0",
    ])
      expect(unsupportedNodeMessage(version), version).toBeUndefined();
  });

  it("names the version needed and the version found, on one line", () => {
    expect(unsupportedNodeMessage("20.20.2")).toBe("baton needs Node.js >= 22.13 (found 20.20.2)");
    expect(unsupportedNodeMessage("22.12.0")).toBe("baton needs Node.js >= 22.13 (found 22.12.0)");
    // node:sqlite needs a flag on 23.0 to 23.3.
    expect(unsupportedNodeMessage("23.3.0")).toBe("baton needs Node.js >= 23.4 (found 23.3.0)");
    expect(unsupportedNodeMessage("18.19.0")).toBe("baton needs Node.js >= 22.13 (found 18.19.0)");
  });

  it("checks the range package.json states in engines", () => {
    const manifest = JSON.parse(
      readFileSync(new URL("../package.json", import.meta.url), "utf8"),
    ) as { engines: { node: string } };
    expect(manifest.engines.node).toBe(SUPPORTED_NODE_RANGE);
  });
});
