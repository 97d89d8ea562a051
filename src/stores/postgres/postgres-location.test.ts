import { describe, expect, it } from "vitest";
import { StoreError } from "../store-error.js";
import { parsePostgresLocation } from "./postgres-location.js";

describe("parsePostgresLocation", () => {
  it("takes Baton's own parameters out of the URL and leaves the server's settings in", () => {
    expect(
      parsePostgresLocation(
        "postgres://baton:s%40cret@db.internal:5433/runs?schema=team_a&connect_timeout=2.5&sslmode=require",
      ),
    ).toEqual({
      url: "postgres://baton:s%40cret@db.internal:5433/runs?sslmode=require",
      label:
        "postgres://baton:***@db.internal:5433/runs?schema=team_a&connect_timeout=2.5&sslmode=require",
      schema: "team_a",
      connectTimeoutMs: 2500,
    });
    expect(parsePostgresLocation("postgresql://127.0.0.1/runs")).toMatchObject({
      schema: undefined,
      connectTimeoutMs: undefined,
      label: "postgresql://127.0.0.1/runs",
    });
  });

  it("refuses what is not a location as invalid-location, never showing the password", () => {
    for (const [location, reason] of [
      ["postgres://baton:pw@host:port/db", /not a valid URL/],
      ["postgres://baton:pw@host/db/more", /"db\/more" is not a database name/],
      ["postgres://baton:pw@host/db?schema=1st", /schema=1st is not a schema name/],
      [
        "postgres://baton:pw@host/db?connect_timeout=0",
        /connect_timeout=0 is not a number of seconds/,
      ],
    ] as const) {
      let error: unknown;
      try {
        parsePostgresLocation(location);
      } catch (caught) {
        error = caught;
      }
      expect(StoreError.isInstance(error) && error.code, location).toBe("invalid-location");
      expect((error as Error).message).toMatch(reason);
      expect((error as Error).message).not.toContain(":pw@");
    }
  });
});
