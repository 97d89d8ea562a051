/**
 * Crash test of an orchestrator: a real worker process runs a `process()` run (the main
 * agent plans, the designer creates five subagents, their five tasks run in parallel, the
 * main agent writes its synthesis) on a SQLite file, against the fake OpenAI-compatible
 * server running here, and is killed with SIGKILL at seeded random moments; after each
 * kill a new process resumes the run, until one finishes it.
 *
 * Kill moments: most are placed along the run's progress (sorted positions over the
 * uninterrupted run's requests: a life is killed a random fraction of a reply's delay after
 * its first request at or past the position arrives, so the moment falls while calls are in
 * flight, or just after a reply came); some come during a life's start-up (before or just
 * after "started": while the run's logs are read and its recorded turns replayed).
 *
 * What is checked against the uninterrupted run: the same answer; every reply recorded
 * once (by the provider's response id), as many as the uninterrupted run made requests;
 * requests beyond those were in flight at a kill (the life that finished lost none); every
 * such request is in the log as a call started whose reply was not recorded (possibly
 * billed); the run's reported spend is exactly what the server served for the replies it
 * recorded, the same as the uninterrupted run's.
 *
 * `ORCHESTRATOR_CRASH_KILLS` sets the number of kills (5 in `npm test`; `npm run chaos:crash`
 * runs it with 30), `CRASH_SEED` the seed.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LoggedEvent } from "../../src/core/ports/run-store.js";
import { addUsage, emptyUsage, type Usage } from "../../src/core/usage.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import {
  type FakeOpenAIServer,
  type FakeRequest,
  startFakeOpenAIServer,
} from "../../src/testing/index.js";
import { runReport } from "../../src/views/index.js";
import { crashUntilFinished, type KillMoment, type Life } from "./crash-harness.js";
import { requestKey, scenarioReply } from "./orchestrator-crash-scenario.js";

const child = join(import.meta.dirname, "orchestrator-child.ts");
const seed = Number(process.env.CRASH_SEED ?? 20_260_218);
const kills = Number(process.env.ORCHESTRATOR_CRASH_KILLS ?? 5);

/** A fake server whose arrivals can be waited for. */
async function watchedServer() {
  const listeners = new Set<(request: FakeRequest) => void>();
  const server = await startFakeOpenAIServer({
    fallbackReply: (request) => {
      for (const listener of [...listeners]) listener(request);
      return scenarioReply(request);
    },
  });
  return { server, listeners };
}

/** Each request of the uninterrupted run: which call, when it arrived, how long its reply took. */
type Timeline = Array<{ key: string; at: number; delayMs: number }>;

const delayOf = (request: FakeRequest) =>
  (scenarioReply(request) as { delayMs?: number }).delayMs ?? 0;

/**
 * The kill moments of `count` lives, drawn from `next`: one in ten during the process's
 * start-up, one in seven just after it says "started" (its recorded turns replaying), the
 * rest at sorted moments of the uninterrupted run's timeline (uniform in time, up to just
 * before its last reply). A life is killed at the moment's offset after its first request
 * at or past the one the moment follows: while the calls that were in flight then are.
 */
function killMoments(
  next: () => number,
  count: number,
  timeline: Timeline,
  listeners: Set<(request: FakeRequest) => void>,
): KillMoment[] {
  const last = timeline.length - 1;
  const start = timeline[0]!.at;
  const arrivals = timeline.map((request) => request.at - start);
  const end = arrivals[last]! + 0.9 * timeline[last]!.delayMs;
  const kinds = Array.from({ length: count }, () => next());
  const moments = kinds
    .filter((kind) => kind >= 0.25)
    .map(() => next() * end)
    .sort((a, b) => a - b);
  const indexOf = new Map(timeline.map((request, index) => [request.key, index]));
  return kinds.map((kind) => {
    if (kind < 0.1) return { early: true, afterMs: Math.floor(next() * 600) };
    if (kind < 0.25) return { early: false, afterMs: Math.floor(next() * 40) };
    const moment = moments.shift()!;
    const index = arrivals.findLastIndex((arrival) => arrival <= moment);
    const offset = moment - arrivals[index]!;
    const after = () =>
      new Promise<void>((resolve) => {
        const listener = (request: FakeRequest) => {
          const at = indexOf.get(requestKey(request)) ?? -1;
          if (at < index) return;
          listeners.delete(listener);
          // Never past the last reply: that would end the run before its kill.
          const wait = at === last ? Math.min(offset, 0.9 * delayOf(request)) : offset;
          setTimeout(resolve, Math.floor(wait));
        };
        listeners.add(listener);
      });
    return { early: false, afterMs: 0, after };
  });
}

/** Every run's log in the store, and the report `baton show` prints of the root run. */
async function stored(db: string) {
  const store = new SqliteStore({ path: db, readOnly: true });
  const events: LoggedEvent[] = [];
  const runs = await store.listRuns();
  for (const run of runs) events.push(...(await store.readLog(run.id)));
  const root = runs.find((run) => run.parentId === undefined)!;
  const report = await runReport({ store, runId: root.id });
  await store.close();
  return { events, report };
}

const usageOf = (requests: readonly FakeRequest[]): Usage =>
  requests.reduce(
    (sum, request) =>
      addUsage(sum, {
        inputTokens: request.answer!.usage.promptTokens,
        outputTokens: request.answer!.usage.completionTokens,
        cachedInputTokens: 0,
        reasoningTokens: 0,
        totalTokens: request.answer!.usage.promptTokens + request.answer!.usage.completionTokens,
      }),
    emptyUsage(),
  );

const pidOf = (life: Life) => /^pid (\d+)$/m.exec(life.output)?.[1];

describe("An orchestrator run killed with SIGKILL at random moments", () => {
  const dir = join(tmpdir(), `baton-orchestrator-crash-${process.pid}-${randomUUID()}`);
  mkdirSync(dir, { recursive: true });
  const servers: FakeOpenAIServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("resumes each time: finished calls are never made again, the answer and the spend are the uninterrupted run's", {
    timeout: 120_000 + kills * 15_000,
  }, async () => {
    const reference = await watchedServer();
    servers.push(reference.server);
    const timeline: Timeline = [];
    reference.listeners.add((request) =>
      timeline.push({ key: requestKey(request), at: performance.now(), delayMs: delayOf(request) }),
    );
    const uninterrupted = await crashUntilFinished({
      script: child,
      args: [join(dir, "reference.db"), reference.server.baseURL],
      seed,
      minimumKills: 0,
    });
    const order = reference.server.requests.map(requestKey);
    expect(uninterrupted.finished.result?.status).toBe("succeeded");
    expect(new Set(order).size).toBe(order.length);

    const { server, listeners } = await watchedServer();
    servers.push(server);
    const db = join(dir, "crashed.db");
    let drawn: KillMoment[] | undefined;
    const {
      lives,
      kills: killed,
      finished,
    } = await crashUntilFinished({
      script: child,
      args: [db, server.baseURL],
      seed,
      minimumKills: kills,
      killMoment: (next) => {
        drawn ??= killMoments(next, kills, timeline, listeners);
        return drawn.shift()!;
      },
    });
    listeners.clear();

    const requests = server.requests;
    const { events: log, report } = await stored(db);
    const recorded = log
      .filter((event) => event.type === "model-call-end")
      .map((event) => event.responseId as string);
    const served = new Map(
      requests.filter((request) => request.answer).map((request) => [request.answer!.id, request]),
    );
    const lost = requests.filter(
      (request) => !request.answer || !recorded.includes(request.answer.id),
    );
    // Calls whose process died before their reply, logged as such when the run resumed.
    const cutShort = log.filter(
      (event) =>
        event.type === "model-call-error" &&
        (event.error as { code?: string }).code === "call-cut-short",
    );
    const reserved = cutShort.reduce(
      (sum, event) => sum + ((event.usage as Usage).possiblyBilledTokens ?? 0),
      0,
    );
    const lostByLife = new Map<string | undefined, number>();
    for (const request of lost) {
      const life = request.headers["x-life"];
      lostByLife.set(life, (lostByLife.get(life) ?? 0) + 1);
    }
    const perKill = lives
      .filter((life) => life.killed)
      .map((life) => lostByLife.get(pidOf(life)) ?? 0);
    const finalPid = pidOf(finished);
    console.log(
      `orchestrator crash test (seed ${seed}): ${lives.length} lives, ${killed} SIGKILLs; ` +
        `${requests.length} requests for the uninterrupted run's ${order.length}: ` +
        `${requests.length - order.length} extra (${lost.filter((request) => request.answer).length} answered after their process died); ` +
        `${cutShort.length} calls logged as cut short (${reserved} tokens possibly billed); ` +
        `requests made again after each kill: ${perKill.join(" ")}`,
    );

    // The uninterrupted run's answer.
    expect(killed).toBe(kills);
    expect(finished.result).toMatchObject({
      status: "succeeded",
      output: uninterrupted.finished.result?.output,
    });
    // Every call's reply is recorded once: as many as the uninterrupted run's requests.
    expect(new Set(recorded).size).toBe(recorded.length);
    expect(recorded).toHaveLength(order.length);
    for (const id of recorded) expect(served.has(id), `${id} was served`).toBe(true);
    // Each extra request was in flight at a kill: the finishing life lost none, and each
    // one is in the log as a call started whose reply was not recorded (possibly billed).
    expect(requests.length).toBe(order.length + lost.length);
    expect(lost.filter((request) => request.headers["x-life"] === finalPid)).toEqual([]);
    for (const [life, count] of lostByLife) {
      // At most the five subagents' calls are in flight at once.
      expect(count, `requests of life ${life} made again`).toBeLessThanOrEqual(5);
    }
    expect(cutShort.length).toBeGreaterThanOrEqual(lost.length);
    // The spend reported is what the server served for the replies recorded (the
    // uninterrupted run's), and the calls cut short apart, as possibly billed.
    const confirmed = usageOf(recorded.map((id) => served.get(id)!));
    const possiblyBilled = reserved > 0 ? { possiblyBilledTokens: reserved } : {};
    expect(finished.result?.usage).toEqual({ ...confirmed, ...possiblyBilled });
    expect(uninterrupted.finished.result?.usage).toEqual(confirmed);
    expect(finished.result?.cents).toBe(uninterrupted.finished.result?.cents);
    // So does what `baton show` prints, over the run and its child runs.
    expect(report.usage).toEqual({ ...confirmed, ...possiblyBilled });
    expect(report.cost.totalCents).toBe(finished.result?.cents);
  });
});
