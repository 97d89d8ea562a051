/**
 * The dashboard's HTTP routes, without a browser: the token, the JSON the page is drawn from
 * (checked against the views module's own figures), the live event stream, decisions,
 * replay, fork, resume and schedules. The page itself is tested in Chromium
 * (test/dashboard/dashboard.browser.test.ts).
 */
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runBaton } from "../../test/cli/cli-harness.js";
import {
  type PostgresServer,
  postgresAvailable,
  sharedPostgresServer,
} from "../../test/support/postgres-server.js";
import { OptionsError } from "../core/errors/options-error.js";
import type { RunStore } from "../core/ports/run-store.js";
import { disagreements } from "../core/test-support/rule-agreement.js";
import { type Durable, openDurable, schedule } from "../durable/index.js";
import { gatedTwoSteps, otherHandle, tempDir } from "../durable/test-support.js";
import { SqliteStore } from "../stores/sqlite/sqlite-store.js";
import { costTable } from "../views/cost-table.js";
import { formatCents } from "../views/format-values.js";
import { runReport } from "../views/run-report.js";
import { toolTrace } from "../views/tool-trace.js";
import { dashboard } from "./dashboard.js";
import { dashboardOptionsRule } from "./dashboard-options-rule.js";
import type { RunPage } from "./run-page.js";
import type { RunRow } from "./runs-list.js";
import {
  brokenFlow,
  gate,
  type OpenBoard,
  openBoard,
  postFlow,
  reviewFlow,
  sseFrames,
} from "./test-support.js";

let temp: ReturnType<typeof tempDir>;
const closing: Array<() => Promise<unknown>> = [];
beforeAll(() => {
  temp = tempDir();
});
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});
afterAll(() => temp.cleanup());

let files = 0;
/** A fresh SQLite store in the temp dir, closed after the test. */
function sqlite(): SqliteStore {
  const store = new SqliteStore({ path: join(temp.dir, `runs-${++files}.db`) });
  closing.push(() => store.close());
  return store;
}

async function durableOn(store: RunStore, options: Parameters<typeof openDurable>[0] = {}) {
  const durable = await openDurable({ store, ...options });
  closing.push(() => durable.close());
  return durable;
}

async function boardOn(options: Parameters<typeof openBoard>[0]): Promise<OpenBoard> {
  const opened = await openBoard(options);
  closing.push(() => opened.board.close());
  return opened;
}

/** Runs `reviewFlow` to the approval it waits for; resolves the run's id. */
async function waitingReview(durable: Durable, flow = reviewFlow()): Promise<string> {
  const run = durable.start(flow, { topic: "tides" });
  const result = await run.result;
  expect(result.status).toBe("waiting");
  return run.id;
}

const json = async <T>(response: Response, status = 200): Promise<T> => {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
};

describe("dashboard()", { timeout: 30_000 }, () => {
  it("serves on 127.0.0.1 and refuses every request without the token (401)", async () => {
    const { base, board } = await boardOn({ store: sqlite() });
    expect(board.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    for (const path of ["/", "/app.js", "/api/runs", "/api/approvals", "/api/runs/x/events"]) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(401);
      expect(await response.text()).toContain("access token");
    }
    const wrong = await fetch(`${base}/?token=not-the-token`, { redirect: "manual" });
    expect(wrong.status).toBe(401);
    const badCookie = await fetch(`${base}/api/runs`, {
      headers: { cookie: `baton_dashboard_${board.port}=not-the-token` },
    });
    expect(badCookie.status).toBe(401);
  });

  it("trades the token in the URL for a cookie, redirecting to the page without it", async () => {
    const { base, board, token } = await boardOn({ store: sqlite() });
    const first = await fetch(board.url, { redirect: "manual" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/");
    const cookie = first.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(new RegExp(`^baton_dashboard_${board.port}=${token};`));
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    const headers = { cookie: cookie.split(";")[0]! };
    const page = await fetch(`${base}/`, { headers });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    // Nothing from elsewhere: no CDN, works offline.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const script = await fetch(`${base}/app.js`, { headers });
    expect(script.headers.get("content-type")).toContain("text/javascript");
    expect(await script.text()).toContain("EventSource");
  });

  it("ships a light page: its three files weigh well under 200 KB", async () => {
    const { call } = await boardOn({ store: sqlite() });
    let bytes = 0;
    for (const path of ["/", "/app.js", "/app.css"]) {
      const response = await call(path);
      expect(response.status, path).toBe(200);
      bytes += (await response.arrayBuffer()).byteLength;
    }
    expect(bytes).toBeGreaterThan(10_000);
    expect(bytes).toBeLessThan(200_000);
  });

  it("checks its options: every problem at once, with its path, unknown ones with a did-you-mean", async () => {
    await expect(dashboard({ port: -1 })).rejects.toThrow(
      /port: expected a port from 0 to 65535, received -1/,
    );
    await expect(dashboard({ port: 1.5 })).rejects.toThrow(OptionsError);
    await expect(dashboard({ pollMs: 0 })).rejects.toThrow(/pollMs: expected a number of ms > 0/);
    const error = await dashboard({
      store: "memory:",
      workflows: { x: 3 },
      lable: "runs",
      port: "80",
    } as never).catch((error: unknown) => error);
    if (!OptionsError.isInstance(error)) throw error;
    expect(error.where).toBe("dashboard()");
    expect(error.issues).toEqual([
      { path: "port", message: 'expected a port from 0 to 65535, received "80"' },
      { path: "workflows.x", message: "expected a workflow or an agent, received 3" },
      { path: "lable", message: 'unknown option "lable" (did you mean "label"?)' },
    ]);
    expect(disagreements(dashboardOptionsRule)).toEqual([]);
  });

  it("refuses a port in use", async () => {
    const { board } = await boardOn({ store: sqlite() });
    await expect(dashboard({ store: "memory:", port: board.port })).rejects.toMatchObject({
      code: "EADDRINUSE",
    });
  });
});

/** A store with a failed run of `brokenFlow`, then a waiting run of `reviewFlow`, and a dashboard on it. */
async function failedAndWaiting() {
  const store = sqlite();
  const durable = await durableOn(store);
  const failed = await durable.start(brokenFlow(), undefined).result;
  const waiting = await waitingReview(durable);
  const { call } = await boardOn({ store });
  return { store, failed, waiting, call };
}

describe("The runs page's API", { timeout: 60_000 }, () => {
  it("lists top-level runs, newest first, with the tokens, cost and duration of their run reports", async () => {
    const { store, failed, waiting, call } = await failedAndWaiting();
    const { runs, workflows } = await json<{ runs: RunRow[]; workflows: string[] }>(
      await call("/api/runs"),
    );
    expect(workflows).toEqual(["broken", "review"]);
    expect(runs.map((run) => [run.id, run.status])).toEqual([
      [waiting, "waiting"],
      [failed.runId, "failed"],
    ]);
    for (const row of runs) {
      const report = await runReport({ store, runId: row.id });
      expect(row.tokens).toBe(report.usage.totalTokens);
      expect(row.tokens).toBeGreaterThan(0);
      expect(row.cost).toBe(formatCents(report.cost.totalCents));
    }
    expect(runs[1]!.duration).toMatch(/^\d+(ms|\.\ds)$/);
    expect(runs.map((run) => run.progress)).toEqual([
      { completed: 3, total: 5, percent: 60 },
      { completed: 2, total: 2, percent: 100 },
    ]);
  });

  it("filters by status, workflow and day (UTC), and names a bad filter (400)", async () => {
    const { store, failed, waiting, call } = await failedAndWaiting();
    const ids = async (query: string) =>
      (await json<{ runs: RunRow[] }>(await call(`/api/runs?${query}`))).runs.map((run) => run.id);
    expect(await ids("status=failed")).toEqual([failed.runId]);
    expect(await ids("workflow=review")).toEqual([waiting]);
    expect(await ids("status=succeeded")).toEqual([]);
    const record = await store.getRun(waiting);
    const day = new Date(record!.createdAt).toISOString().slice(0, 10);
    const next = new Date(record!.createdAt + 86_400_000).toISOString().slice(0, 10);
    const before = new Date(record!.createdAt - 86_400_000).toISOString().slice(0, 10);
    expect(await ids(`from=${day}&to=${day}&workflow=review`)).toEqual([waiting]);
    expect(await ids(`from=${next}`)).toEqual([]);
    expect(await ids(`to=${before}`)).toEqual([]);
    expect(await ids("limit=1")).toEqual([waiting]);

    const bad = await json<{ error: string }>(await call("/api/runs?status=done"), 400);
    expect(bad.error).toMatch(/^status: expected one of pending, running, .* received "done"$/);
    const badDay = await json<{ error: string }>(await call("/api/runs?from=31/01/2026"), 400);
    expect(badDay.error).toBe('from: expected a day as YYYY-MM-DD, received "31/01/2026"');
  });
});

describe("The run page's API", { timeout: 60_000 }, () => {
  it("shows a run with the views module's figures: report, tool trace, cost line, graph, timeline", async () => {
    const store = sqlite();
    const durable = await durableOn(store);
    const flow = reviewFlow();
    const runId = await waitingReview(durable, flow);
    const { call } = await boardOn({ store, workflows: { review: flow } });
    const page = await json<RunPage>(await call(`/api/runs/${runId}`));
    const report = await runReport({ store, runId });

    expect(page.run).toMatchObject({
      id: runId,
      workflow: "review",
      status: "waiting",
      waitReason: "approval",
      tokens: { total: report.usage.totalTokens },
      cost: formatCents(report.cost.totalCents),
      // research, check and gather ended of five steps, as the last event recorded it.
      progress: { completed: 3, total: 5, percent: 60 },
    });
    expect(page.run.progress).toEqual((await store.readLog(runId)).at(-1)!.progress);
    expect(page.toolTrace).toBe(await toolTrace({ store, runId }));
    expect(page.toolTrace).toContain("✓ lookup");
    expect(page.costLine).toBe(costTable(report).split("\n\n").at(-1));
    expect(page.costLine).toMatch(/for tools = /);
    expect(page.models).toEqual([
      expect.objectContaining({
        name: "simulated:researcher",
        calls: report.cost.byModel["simulated:researcher"]!.calls,
        cost: formatCents(report.cost.byModel["simulated:researcher"]!.cents),
      }),
    ]);
    expect(page.tools).toEqual([
      { name: "lookup", calls: 1, failedCalls: 0, cost: formatCents(0.25) },
    ]);
    expect(page.agents.map((row) => [row.name, row.role, row.toolCalls])).toEqual([
      ["researcher", "agent", 1],
    ]);
    expect(page.mermaid).toMatch(/^flowchart TD/);
    expect(page.flowchart).toContain("WORKFLOW review");

    // The graph: every step, how it stands, and the workflow's dependencies (given in code).
    const status = Object.fromEntries(page.graph.nodes.map((node) => [node.label, node.status]));
    expect(status).toEqual({
      research: "succeeded",
      check: "succeeded",
      gather: "succeeded",
      publish: "waiting",
      announce: "pending",
    });
    expect(page.graph.dependenciesKnown).toBe(true);
    expect(page.graph.edges).toEqual(
      expect.arrayContaining(
        flow.graph().edges.map((edge) => ({ from: `step:${edge.from}`, to: `step:${edge.to}` })),
      ),
    );
    expect(page.graph.edges).toHaveLength(flow.graph().edges.length);
    expect(page.timeline.map((row) => [row.kind, row.label, row.start !== null])).toEqual([
      ["run", `review ${runId}`, true],
      ["step", "research", true],
      ["step", "check", true],
      ["step", "gather", true],
      ["step", "publish", true],
      ["step", "announce", false],
    ]);
    // The step that failed once shows its error and that it was retried.
    expect(page.errors).toEqual([
      expect.objectContaining({
        stepId: "check",
        what: "step check succeeded after errors",
        error: expect.objectContaining({ message: "the checker was busy" }),
      }),
    ]);
    expect(page.approvals).toEqual([
      expect.objectContaining({
        runId,
        stepId: "publish",
        message: "Publish the review of tides?",
      }),
    ]);
    // Nothing to resume while the approval is undecided.
    expect(page.actions).toMatchObject({ replay: true, fork: true, resume: false });
    expect(page.lastSeq).toBe((await store.readLog(runId)).at(-1)!.seq);
  });

  it("shows a failed run's errors with their causes: failed attempts, tool calls", async () => {
    const store = sqlite();
    const durable = await durableOn(store);
    const { runId } = await durable.start(brokenFlow(), undefined).result;
    const { call } = await boardOn({ store });
    const page = await json<RunPage>(await call(`/api/runs/${runId}`));
    expect(page.run.status).toBe("failed");
    const [run, read, parse] = page.errors;
    expect(run).toMatchObject({
      what: `run ${runId} (broken) failed`,
      causes: [
        {
          what: "step parse failed",
          error: expect.objectContaining({ message: "unexpected end of input" }),
        },
      ],
    });
    expect(read).toMatchObject({
      stepId: "read",
      what: "step read succeeded after errors",
      error: { message: expect.stringMatching(/^connection refused by /) },
    });
    expect(parse).toMatchObject({
      stepId: "parse",
      what: "step parse failed",
      error: { message: "unexpected end of input" },
      causes: [{ what: "attempt 1 (retried)", error: { message: "unexpected end of input" } }],
    });
    expect(page.toolTrace).toContain("✗ fetchPage");
    // A workflow defined in code that the dashboard was not given: no replay or fork.
    expect(page.actions).toMatchObject({ replay: false, fork: false });
    expect(page.actions.note).toContain('"broken" was defined in code');
    expect(page.graph.dependenciesKnown).toBe(false);
    const refused = await json<{ code: string }>(
      await call(`/api/runs/${runId}/replay`, { method: "POST" }),
      409,
    );
    expect(refused.code).toBe("workflow-not-found");
  });

  it("answers 404 for a run that is not there", async () => {
    const { call } = await boardOn({ store: sqlite() });
    const missing = await json<{ code: string; error: string }>(await call("/api/runs/run_x"), 404);
    expect(missing.error).toContain("run_x");
    const events = await json<{ code: string }>(await call("/api/runs/run_x/events"), 404);
    expect(events.code).toBe("run-not-found");
    await json(await call("/api/nothing"), 404);
  });
});

describe("The live event stream", { timeout: 60_000 }, () => {
  it("sends each event of the run's log as it is appended, then stream-end when the run ends", async () => {
    const store = sqlite();
    const durable = await durableOn(store);
    const { flow, release } = gatedTwoSteps();
    const run = durable.start(flow, undefined);
    await run.events[Symbol.asyncIterator]().next(); // the run is in the store
    const { call } = await boardOn({ store, pollMs: 20 });
    const seen: string[] = [];
    const ids: number[] = [];
    for await (const frame of sseFrames(await call(`/api/runs/${run.id}/events?after=0`))) {
      const data = frame.data as { type: string; event?: { type: string; stepId?: string } };
      if (frame.event === "stream-end") {
        seen.push(`stream-end ${(data as { status?: string }).status}`);
        break;
      }
      ids.push(Number(frame.id));
      seen.push(`${data.event!.type}${data.event!.stepId ? ` ${data.event!.stepId}` : ""}`);
      // The second step goes on only once the stream showed the first one's end.
      if (data.event!.type === "step-end" && data.event!.stepId === "first") release();
    }
    expect(seen).toEqual(
      expect.arrayContaining([
        "step-end first",
        "step-end second",
        "run-end",
        "stream-end succeeded",
      ]),
    );
    expect(seen.at(-2)).toBe("run-end");
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).toEqual((await store.readLog(run.id)).map((event) => event.seq));
  });

  it("resumes after the Last-Event-ID a reconnecting page sends, and ends at once for an ended run", async () => {
    const store = sqlite();
    const durable = await durableOn(store);
    const { flow, release } = gatedTwoSteps();
    release();
    const run = durable.start(flow, undefined);
    await run.result;
    const { call } = await boardOn({ store });
    const log = await store.readLog(run.id);
    const frames = [];
    for await (const frame of sseFrames(
      await call(`/api/runs/${run.id}/events`, {
        headers: { "last-event-id": String(log.at(-3)!.seq) },
      }),
    )) {
      frames.push(frame);
    }
    expect(frames.map((frame) => frame.id)).toEqual([
      String(log.at(-2)!.seq),
      String(log.at(-1)!.seq),
      undefined,
    ]);
    expect(frames.at(-1)).toMatchObject({ event: "stream-end", data: { status: "succeeded" } });
    const bad = await json<{ error: string }>(
      await call(`/api/runs/${run.id}/events?after=x`),
      400,
    );
    expect(bad.error).toContain("after");
  });

  it("follows a run through its wait for an approval, its resumption, to its end", async () => {
    const store = sqlite();
    const flow = reviewFlow();
    const durable = await durableOn(store, {
      workflows: { review: flow },
      autoResume: true,
      pollMs: 50,
    });
    const runId = await waitingReview(durable, flow);
    const { call, post } = await boardOn({ store, pollMs: 20 });
    const waited = (await store.readLog(runId)).at(-1)!;
    expect(waited.type).toBe("run-wait");
    const stream = await call(`/api/runs/${runId}/events?after=0`);
    const seen: string[] = [];
    for await (const frame of sseFrames(stream)) {
      if (frame.event === "stream-end") {
        seen.push(`stream-end ${(frame.data as { status: string }).status}`);
        break;
      }
      const { event } = frame.data as { event: { type: string; stepId?: string } };
      seen.push(`${event.type}${event.stepId ? ` ${event.stepId}` : ""}`);
      // The stream goes on past the wait: decide once it has shown it.
      if (event.type === "run-wait") {
        await json(await post("/api/approvals", { runId, stepId: "publish", decision: "approve" }));
      }
    }
    const afterWait = seen.slice(seen.indexOf("run-wait") + 1);
    expect(afterWait).toEqual(
      expect.arrayContaining(["run-resume", "step-end publish", "step-end announce", "run-end"]),
    );
    expect(seen.at(-1)).toBe("stream-end succeeded");
  });
});

describe("Decisions, replay, fork and resume", { timeout: 60_000 }, () => {
  it("lists pending approvals and decides them with the same event the CLI logs", async () => {
    const store = sqlite();
    const file = store.path;
    const durable = await durableOn(store);
    const byPage = await waitingReview(durable);
    const byCli = await waitingReview(durable);
    const { call, post } = await boardOn({ store });
    const pending = await json<Array<{ runId: string; stepId: string }>>(
      await call("/api/approvals"),
    );
    expect(pending.map((item) => [item.runId, item.stepId])).toEqual([
      [byPage, "publish"],
      [byCli, "publish"],
    ]);
    const decided = await json(
      await post("/api/approvals", {
        runId: byPage,
        stepId: "publish",
        decision: "approve",
        comment: "Ship it",
      }),
    );
    expect(decided).toEqual({
      runId: byPage,
      stepId: "publish",
      approved: true,
      delivery: "stored",
    });
    const cli = await runBaton(
      ["approve", byCli, "publish", "--comment", "Ship it", "--store", file],
      { cwd: temp.dir },
    );
    expect(cli.code, cli.stderr).toBe(0);
    const decision = async (runId: string) => {
      const event = (await store.readLog(runId)).find((item) => item.type === "approval-decision");
      const { at: _at, seq: _seq, runId: _runId, ...rest } = event as Record<string, unknown>;
      return rest;
    };
    expect(await decision(byPage)).toEqual(await decision(byCli));
    expect(await decision(byPage)).toMatchObject({
      stepId: "publish",
      approved: true,
      comment: "Ship it",
    });
    expect(await json(await call("/api/approvals"))).toEqual([]);

    const again = await json<{ code: string; error: string }>(
      await post("/api/approvals", { runId: byPage, stepId: "publish", decision: "reject" }),
      409,
    );
    expect(again.code).toBe("no-pending-approval");
    const unknown = await json<{ code: string }>(
      await post("/api/approvals", { runId: "run_nope", stepId: "publish", decision: "reject" }),
      404,
    );
    expect(unknown.code).toBe("run-not-found");
    const maybe = await json<{ error: string }>(
      await post("/api/approvals", { runId: byPage, stepId: "publish", decision: "maybe" }),
      400,
    );
    expect(maybe.error).toBe('decision: expected "approve" or "reject", received "maybe"');
    const form = await call("/api/approvals", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "runId=x",
    });
    expect(form.status).toBe(415);
  });

  it("decides a tool call's approval: the card names the tool and its input", async () => {
    const store = sqlite();
    const flow = postFlow();
    const durable = await durableOn(store);
    const { runId, status } = await durable.start(flow, undefined).result;
    expect(status).toBe("waiting");
    const { call, post } = await boardOn({ store, workflows: { post: flow } });
    const [pending] = await json<Array<Record<string, unknown>>>(await call("/api/approvals"));
    expect(pending).toMatchObject({
      runId,
      stepId: "post",
      tool: "publishPost",
      toolCallId: expect.any(String),
      input: { title: expect.any(String) },
      message: "Publish it?",
    });
    const decided = await json(
      await post("/api/approvals", {
        runId,
        stepId: "post",
        toolCallId: pending!.toolCallId,
        decision: "reject",
        comment: "Not this one",
      }),
    );
    expect(decided).toMatchObject({ approved: false, toolCallId: pending!.toolCallId });
    expect(await json(await call("/api/approvals"))).toEqual([]);
  });

  it("resumes a decided run in the dashboard's process, and it finishes", async () => {
    const store = sqlite();
    const flow = reviewFlow();
    const durable = await durableOn(store);
    const runId = await waitingReview(durable, flow);
    const { post, call } = await boardOn({ store, workflows: { review: flow } });
    await json(
      await post("/api/approvals", {
        runId,
        stepId: "publish",
        decision: "reject",
        comment: "Not yet",
      }),
    );
    expect(await json(await post(`/api/runs/${runId}/resume`))).toEqual({ runId });
    let page: RunPage;
    do page = await json<RunPage>(await call(`/api/runs/${runId}`));
    while (
      page.run.status === "running" ||
      page.run.status === "pending" ||
      page.run.status === "waiting"
    );
    expect(page.run.status).toBe("failed");
    expect(page.errors.map((entry) => entry.what)).toContain("step publish failed");
    expect(page.toolTrace).toContain("rejected: Not yet");
  });

  it("replays a run offline and forks it from a step into a new run", async () => {
    const store = sqlite();
    const flow = reviewFlow();
    const durable = await durableOn(store, { workflows: { review: flow } });
    const runId = await waitingReview(durable, flow);
    await durable.approve(runId, "publish");
    const resumed = await durable.resume(runId);
    expect((await resumed.result).status).toBe("succeeded");
    const { post, call } = await boardOn({ store, workflows: { review: flow } });

    const replayed = await json<{
      identical: boolean;
      served: string[];
      modelCallsRefused: number;
    }>(await post(`/api/runs/${runId}/replay`));
    expect(replayed).toMatchObject({ identical: true, modelCallsRefused: 0 });
    expect(replayed.served).toContain("research");

    const forked = await json<{ runId: string }>(
      await post(`/api/runs/${runId}/fork`, { fromStep: "announce" }),
      201,
    );
    expect(forked.runId).not.toBe(runId);
    let page: RunPage;
    do page = await json<RunPage>(await call(`/api/runs/${forked.runId}`));
    while (page.run.status === "running" || page.run.status === "pending");
    expect(page.run).toMatchObject({ status: "succeeded", forkOf: runId, fromStep: "announce" });

    const badStep = await json<{ code: string }>(
      await post(`/api/runs/${runId}/fork`, { fromStep: "nope" }),
      400,
    );
    expect(badStep.code).toBe("step-not-found");
    const noStep = await json<{ error: string }>(await post(`/api/runs/${runId}/fork`, {}), 400);
    expect(noStep.error).toBe("fromStep: expected a non-empty string");
  });
});

describe("The schedules page's API", { timeout: 30_000 }, () => {
  it("lists the store's schedules with their next firings, and pauses and resumes them", async () => {
    const store = sqlite();
    const { call, post } = await boardOn({ store });
    const { flow } = gatedTwoSteps();
    const info = await schedule({ workflow: flow, every: 3_600_000 }, { store });
    const listed = await json<{ available: boolean; schedules: Array<Record<string, unknown>> }>(
      await call("/api/schedules"),
    );
    expect(listed.available).toBe(true);
    expect(listed.schedules).toEqual([
      expect.objectContaining({
        id: info.id,
        target: "two",
        trigger: "every 60m00s",
        paused: false,
      }),
    ]);
    expect((listed.schedules[0]!.upcoming as string[]).length).toBe(3);
    expect(await json(await post(`/api/schedules/${info.id}/pause`))).toMatchObject({
      paused: true,
    });
    expect(await json(await post(`/api/schedules/${info.id}/resume`))).toMatchObject({
      paused: false,
    });
    const missing = await json<{ code: string }>(await post("/api/schedules/nope/pause"), 404);
    expect(missing.code).toBe("schedule-not-found");
  });

  it("says so for a store that keeps no schedules", async () => {
    const { call } = await boardOn({ store: otherHandle(sqlite()) });
    expect(await json(await call("/api/schedules"))).toEqual({ available: false, schedules: [] });
  });
});

describe("close()", { timeout: 30_000 }, () => {
  it("ends the live streams and frees the port", async () => {
    const store = sqlite();
    const durable = await durableOn(store);
    const { wait, open } = gate();
    const run = durable.start(reviewFlow(wait), { topic: "tides" });
    try {
      await run.events[Symbol.asyncIterator]().next();
      const { board, call } = await openBoard({ store, pollMs: 20 });
      const frames: string[] = [];
      const reading = (async () => {
        for await (const frame of sseFrames(await call(`/api/runs/${run.id}/events`))) {
          frames.push(String(frame.event));
        }
      })();
      while (frames.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await board.close();
      await reading; // the stream ended: the loop above finished
      expect(frames.length).toBeGreaterThan(0);
      await expect(fetch(`http://127.0.0.1:${board.port}/`)).rejects.toThrow();
    } finally {
      open();
      await run.result;
    }
  });
});

describe.runIf(postgresAvailable())("The dashboard on PostgreSQL", { timeout: 90_000 }, () => {
  let server: PostgresServer;
  let url: string;
  beforeAll(async () => {
    server = await sharedPostgresServer();
    url = await server.createDatabase("dashboard");
  }, 90_000);
  afterAll(() => server?.stop());

  it("opens a postgres:// store, lists its runs, follows one live (LISTEN/NOTIFY) and decides its approval", async () => {
    const flow = reviewFlow();
    const durable = await openDurable({
      store: url,
      workflows: { review: flow },
      autoResume: true,
      pollMs: 100,
    });
    closing.push(() => durable.close());
    const runId = await waitingReview(durable, flow);
    // A long poll: on PostgreSQL the stream wakes on each notification, not on a timer.
    const { call, post, board } = await boardOn({ store: url, pollMs: 10_000 });
    expect(board.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const summary = await json<{ store: string; approvals: number }>(await call("/api/summary"));
    expect(summary).toEqual({
      store: url.replace(`:${encodeURIComponent(server.password)}@`, ":***@"),
      approvals: 1,
      schedules: true,
    });
    const { runs } = await json<{ runs: RunRow[] }>(await call("/api/runs"));
    expect(runs.map((run) => [run.id, run.status])).toEqual([[runId, "waiting"]]);
    const page = await json<RunPage>(await call(`/api/runs/${runId}`));
    expect(page.toolTrace).toBe(await toolTrace({ store: durable.store, runId }));

    // The stream is open (its headers came): decide, and watch the run go on and end.
    const stream = await call(`/api/runs/${runId}/events?after=${page.lastSeq}`);
    expect(stream.status).toBe(200);
    await json(await post("/api/approvals", { runId, stepId: "publish", decision: "approve" }));
    const seen: string[] = [];
    for await (const frame of sseFrames(stream)) {
      if (frame.event === "stream-end") {
        seen.push(`stream-end ${(frame.data as { status: string }).status}`);
        break;
      }
      const { event } = frame.data as { event: { type: string; stepId?: string } };
      seen.push(`${event.type}${event.stepId ? ` ${event.stepId}` : ""}`);
    }
    expect(seen[0]).toBe("approval-decision publish");
    expect(seen).toEqual(expect.arrayContaining(["run-resume", "step-end publish", "run-end"]));
    expect(seen.at(-1)).toBe("stream-end succeeded");
  });
});
