/**
 * `baton dashboard`: serves the store's runs on 127.0.0.1 with the token in the URL it
 * prints, until the command's signal (Ctrl-C); bad input exits 2.
 */
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBaton, tempWorkspace } from "./cli-harness.js";

let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
let spec: string;
beforeAll(async () => {
  workspace = await tempWorkspace();
  spec = await workspace.write(
    "hello.yaml",
    [
      "name: hello",
      "agents:",
      "  writer: { model: simulated:writer }",
      "steps:",
      "  - { id: greet, agent: writer, input: Say hello. }",
      "",
    ].join("\n"),
  );
});
afterAll(() => workspace.remove());

describe("baton dashboard", { timeout: 60_000 }, () => {
  it("prints the URL with the token, serves the store's runs, and stops on Ctrl-C (exit 0)", async () => {
    const store = join(workspace.dir, "runs.db");
    const ran = await runBaton(["run", spec, "--store", store, "--json"], { cwd: workspace.dir });
    expect(ran.code, ran.stderr).toBe(0);
    const { runId } = JSON.parse(ran.stdout) as { runId: string };

    const stop = new AbortController();
    let printed: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => {
      printed = resolve;
    });
    const serving = runBaton(["dashboard", "--store", store], {
      cwd: workspace.dir,
      signal: stop.signal,
      onStdout: (text) => {
        const match = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(text);
        if (match) printed(match[1]!);
      },
    });
    const address = new URL(await url);
    const token = address.searchParams.get("token");
    const runs = await fetch(`${address.origin}/api/runs`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(runs.status).toBe(200);
    const body = (await runs.json()) as { runs: Array<{ id: string; workflow: string }> };
    expect(body.runs).toEqual([expect.objectContaining({ id: runId, workflow: "hello" })]);
    // A spec run can be replayed from its page: the dashboard rebuilds it from the stored spec.
    const page = await fetch(`${address.origin}/api/runs/${runId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await page.json()) as { actions: { replay: boolean } }).actions.replay).toBe(true);
    expect((await fetch(`${address.origin}/api/runs`)).status).toBe(401);

    stop.abort();
    const outcome = await serving;
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(new RegExp(`^Baton dashboard of ${store}$`, "m"));
    expect(outcome.stdout).toMatch(/^Dashboard stopped\.$/m);
    await expect(fetch(`${address.origin}/api/runs`)).rejects.toThrow();
  });

  it("exits 2 for a store that is not there, a bad port, or a port in use", async () => {
    const missing = await runBaton(["dashboard", "--store", "nowhere.db"], { cwd: workspace.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No run store at .*nowhere\.db/);

    const badPort = await runBaton(["dashboard", "--port", "99999"], { cwd: workspace.dir });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain("Expected a port from 1 to 65535.");

    const store = join(workspace.dir, "busy.db");
    await runBaton(["run", spec, "--store", store], { cwd: workspace.dir });
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as { port: number };
    try {
      const busy = await runBaton(["dashboard", "--store", store, "--port", String(port)], {
        cwd: workspace.dir,
      });
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(`Port ${port} on 127.0.0.1 is in use`);
    } finally {
      taken.close();
    }
  });
});
