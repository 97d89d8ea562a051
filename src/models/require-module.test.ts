import { describe, expect, it } from "vitest";
import * as yaml from "yaml";
import * as zod from "zod";
import { requireModule } from "./require-module.js";

describe("requireModule", () => {
  it("gives an ES module package's instance that import gives, not a second copy", () => {
    const required = requireModule<typeof import("zod")>("zod");
    expect(required.z).toBe(zod.z);
    expect(required.ZodError).toBe(zod.ZodError);
  });

  it("gives a CommonJS package's exports, the same as import", () => {
    expect(requireModule<typeof import("yaml")>("yaml").parseDocument).toBe(yaml.parseDocument);
  });

  it("returns the same module on every call", () => {
    expect(requireModule("gpt-tokenizer")).toBe(requireModule("gpt-tokenizer"));
  });

  it("throws for a package that is not installed", () => {
    expect(() => requireModule("baton-no-such-package")).toThrow(/baton-no-such-package/);
  });
});
