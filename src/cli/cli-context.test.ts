import { describe, expect, it } from "vitest";
import { userDirectory } from "./cli-context.js";

describe("userDirectory", () => {
  const npmRun = { npm_lifecycle_event: "baton", npm_package_name: "baton-ai" };

  it("is where the user stood when this repository's `npm run baton` started it", () => {
    expect(userDirectory({ ...npmRun, INIT_CWD: "/repo/examples" }, "/repo")).toBe(
      "/repo/examples",
    );
  });

  it("is the working directory otherwise: npx, a global install, another package's script", () => {
    expect(userDirectory({ INIT_CWD: "/elsewhere" }, "/work")).toBe("/work");
    expect(
      userDirectory(
        { npm_lifecycle_event: "baton", npm_package_name: "app", INIT_CWD: "/x" },
        "/work",
      ),
    ).toBe("/work");
    expect(userDirectory({ ...npmRun }, "/work")).toBe("/work");
  });
});
