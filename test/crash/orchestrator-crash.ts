/**
 * Orchestrator crash rounds: a real worker process runs a `process()` run (the main agent
 * plans, the designer creates five subagents, their five tasks run in parallel, the main
 * agent writes its synthesis; see orchestrator-crash-scenario.ts) on a SQLite file, against
 * the fake OpenAI-compatible server running here, and is killed with SIGKILL at seeded
 * random moments; after each kill a new process resumes the run, until one finishes it.
 * The crash test runs a short round (5 kills); `npm run chaos` a long one (30).
 *
 * Kill moments: one in ten during a life's start-up, one in seven just after it says
 * "started" (while the run's logs are read and its recorded turns replayed), the rest at
 * sorted moments of the uninterrupted run's timeline, uniform in time: a life is killed at
 * the moment's offset after its first request at or past the one the moment follows, so
 * the calls in flight then are in flight at the kill (or their replies just came).
 *
 * What must hold, against an uninterrupted run of the same scenario: the same answer; every
 * reply recorded once (by the provider's response id), as many as the uninterrupted run
 * made requests; every request beyond those was in flight at a kill (the finishing life
 * makes none again, no life more than the five that can be in flight at once) and is logged
 * as a call cut short when the run resumes (possibly billed at its reservation); the spend
 * reported (the run's totals and `baton show`'s report of the tree) is what the server
 * served for the recorded replies (the uninterrupted run's), plus the calls cut short apart.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { LoggedEvent } from "../../src/core/ports/run-store.js";
import { addUsage, emptyUsage, type Usage } from "../../src/core/usage.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { type FakeRequest, startFakeOpenAIServer } from "../../src/testing/index.js";
import { runReport } from "../../src/views/index.js";
import { crashUntilFinished, type KillMoment, type Life } from "./crash-harness.js";
import { requestKey, scenarioReply } from "./orchestrator-crash-scenario.js";

const child = join(import.meta.dirname, "orchestrator-child.ts");

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

/** What one orchestrator crash round measured; `problems` lists what did not hold. */
export interface OrchestratorCrashReport {
  seed: number;
  /** Worker processes started. */
  lives: number;
  kills: number;
  /** Requests the uninterrupted run made (one per model call). */
  uninterruptedRequests: number;
  /** Requests the crashed run made, in all its lives. */
  requests: number;
  /** Requests each killed life made whose replies were never recorded: in flight at the kill. */
  madeAgain: number[];
  /** Of the requests made again, those the server answered after their process died. */
  answeredTooLate: number;
  /** Calls the resumed lives logged as cut short, and the tokens they reserved (possibly billed). */
  cutShort: number;
  possiblyBilledTokens: number;
  problems: string[];
}

/** One round: an uninterrupted run, then the same run killed `kills` times and resumed. */
export async function orchestratorCrashRound({
  dir,
  seed,
  kills,
}: {
  dir: string;
  seed: number;
  kills: number;
}): Promise<OrchestratorCrashReport> {
  mkdirSync(dir, { recursive: true });
  const reference = await watchedServer();
  const crashed = await watchedServer();
  try {
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
    let drawn: KillMoment[] | undefined;
    const {
      lives,
      kills: killed,
      finished,
    } = await crashUntilFinished({
      script: child,
      args: [join(dir, "crashed.db"), crashed.server.baseURL],
      seed,
      minimumKills: kills,
      killMoment: (next) => {
        drawn ??= killMoments(next, kills, timeline, crashed.listeners);
        return drawn.shift()!;
      },
    });
    crashed.listeners.clear();
    return await checkRound({
      seed,
      kills: killed,
      wanted: kills,
      lives,
      finished,
      uninterrupted: uninterrupted.finished,
      order: reference.server.requests.map(requestKey),
      requests: crashed.server.requests,
      ...(await stored(join(dir, "crashed.db"))),
    });
  } finally {
    await reference.server.close();
    await crashed.server.close();
  }
}

/** Checks a finished round as the module comment says. */
async function checkRound(round: {
  seed: number;
  kills: number;
  wanted: number;
  lives: Life[];
  finished: Life;
  uninterrupted: Life;
  order: string[];
  requests: readonly FakeRequest[];
  events: LoggedEvent[];
  report: Awaited<ReturnType<typeof runReport>>;
}): Promise<OrchestratorCrashReport> {
  const { seed, lives, finished, uninterrupted, order, requests, events, report } = round;
  const problems: string[] = [];
  const check = (held: boolean, problem: string) => {
    if (!held) problems.push(`${problem} (seed ${seed})`);
  };
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  check(round.kills >= round.wanted, `${round.kills} kills of ${round.wanted}`);
  check(new Set(order).size === order.length, "the uninterrupted run made a call twice");
  check(
    finished.result?.status === "succeeded" &&
      same(finished.result.output, uninterrupted.result?.output),
    `the answer differs from the uninterrupted run's: ${JSON.stringify(finished.result)}`,
  );

  const recorded = events
    .filter((event) => event.type === "model-call-end")
    .map((event) => event.responseId as string);
  const served = new Map(
    requests.filter((request) => request.answer).map((request) => [request.answer!.id, request]),
  );
  check(new Set(recorded).size === recorded.length, "a reply is recorded twice");
  check(
    recorded.length === order.length,
    `${recorded.length} replies recorded for the uninterrupted run's ${order.length} calls`,
  );
  for (const id of recorded) check(served.has(id), `reply ${id} was never served`);

  // Requests whose replies never reached the log: in flight at a kill.
  const recordedIds = new Set(recorded);
  const lost = requests.filter((request) => !request.answer || !recordedIds.has(request.answer.id));
  check(requests.length === order.length + lost.length, "requests beyond the lost ones");
  const lostBy = new Map<string | undefined, number>();
  for (const request of lost) {
    const life = request.headers["x-life"];
    lostBy.set(life, (lostBy.get(life) ?? 0) + 1);
  }
  check(!lostBy.has(pidOf(finished)), "the finishing life made a call whose reply it lost");
  for (const [life, count] of lostBy) {
    check(count <= 5, `life ${life} lost ${count} calls: more than can be in flight at once`);
  }
  const cutShort = events.filter(
    (event) =>
      event.type === "model-call-error" &&
      (event.error as { code?: string }).code === "call-cut-short",
  );
  check(
    cutShort.length >= lost.length,
    `${lost.length} requests lost, ${cutShort.length} logged as cut short`,
  );

  // The spend: what the server served for the recorded replies, and the calls cut short apart.
  const reserved = cutShort.reduce(
    (sum, event) => sum + ((event.usage as Usage).possiblyBilledTokens ?? 0),
    0,
  );
  const confirmed = usageOf(recorded.flatMap((id) => served.get(id) ?? []));
  const withCutShort = {
    ...confirmed,
    ...(reserved > 0 ? { possiblyBilledTokens: reserved } : {}),
  };
  check(
    same(uninterrupted.result?.usage, confirmed),
    "the uninterrupted run's usage is not what the server served",
  );
  check(
    same(finished.result?.usage, withCutShort),
    `the run's usage ${JSON.stringify(finished.result?.usage)} is not what was served ${JSON.stringify(withCutShort)}`,
  );
  check(
    finished.result?.cents === uninterrupted.result?.cents,
    `the run cost ${String(finished.result?.cents)}¢, uninterrupted ${String(uninterrupted.result?.cents)}¢`,
  );
  check(same(report.usage, withCutShort), "baton show's usage is not what was served");
  check(report.cost.totalCents === finished.result?.cents, "baton show's cost differs");

  return {
    seed,
    lives: lives.length,
    kills: round.kills,
    uninterruptedRequests: order.length,
    requests: requests.length,
    madeAgain: lives.filter((life) => life.killed).map((life) => lostBy.get(pidOf(life)) ?? 0),
    answeredTooLate: lost.filter((request) => request.answer).length,
    cutShort: cutShort.length,
    possiblyBilledTokens: reserved,
    problems,
  };
}
