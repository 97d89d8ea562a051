import { describe, expect, it } from "vitest";
import { OptionsError } from "../../core/errors/options-error.js";
import { disagreements } from "../../core/test-support/rule-agreement.js";
import { PostgresStore } from "./postgres-store.js";
import { postgresStoreOptionsRule } from "./postgres-store-options-rule.js";

describe("PostgresStore.open() options", () => {
  it("are checked before anything connects: every problem with its path, unknown ones with a did-you-mean", async () => {
    // Port 9 (discard) on this machine: nothing answers, and nothing is tried.
    const error = await PostgresStore.open("postgres://baton@127.0.0.1:9/baton", {
      schema: "Runs",
      connectTimeoutMs: 0,
      maxConnections: 1.5,
      mustexist: true,
    } as never).catch((caught: unknown) => caught);
    if (!OptionsError.isInstance(error)) throw error;
    expect(error.where).toBe("PostgresStore.open()");
    expect(error.issues).toEqual([
      {
        path: "schema",
        message:
          'expected a schema name (lower-case letters, digits and _, starting with a letter or _, at most 48 characters), received "Runs"',
      },
      { path: "connectTimeoutMs", message: "expected a number of ms > 0, received 0" },
      { path: "maxConnections", message: "expected an integer >= 1, received 1.5" },
      { path: "mustexist", message: 'unknown option "mustexist" (did you mean "mustExist"?)' },
    ]);
  });

  it("has a plain check and a zod schema that agree", () => {
    expect(disagreements(postgresStoreOptionsRule)).toEqual([]);
  });
});
