import { type Context, Hono } from "hono";
import type { RunStore } from "../core/ports/run-store.js";
import { approve, pendingApprovals, reject } from "../durable/approvals.js";
import { DurableError, type DurableErrorCode } from "../durable/durable-error.js";
import {
  listSchedules,
  pauseSchedule,
  resumeSchedule,
  type ScheduleInfo,
} from "../durable/schedules.js";
import type { WorkflowRegistry } from "../durable/workflow-registry.js";
import { sseResponse } from "../events/sse-response.js";
import { formatDuration, formatTimestamp } from "../views/format-values.js";
import { requireAccessToken } from "./access-token.js";
import type { ClientAsset } from "./client-assets.js";
import { liveEvents, stopOnReturn } from "./live-events.js";
import type { RunActions } from "./run-actions.js";
import { runPage } from "./run-page.js";
import { listRunRows, parseRunsQuery } from "./runs-list.js";

/** What the dashboard's routes work on. */
export interface DashboardAppOptions {
  store: RunStore;
  /** Whether the store keeps schedules. */
  hasSchedules: boolean;
  token: string;
  /** How the page names the store. */
  label: string;
  assets: ReadonlyMap<string, ClientAsset>;
  actions: RunActions;
  workflows: WorkflowRegistry | undefined;
  /** How often live pages read a store that cannot say when a run's log grew. */
  pollMs: number;
  /** Aborts when the dashboard closes: live streams end. */
  closing: AbortSignal;
  now: () => number;
}

/** HTTP statuses of the durable API's refusals. */
const STATUS_OF: Partial<Record<DurableErrorCode, 400 | 404 | 409>> = {
  "run-not-found": 404,
  "schedule-not-found": 404,
  "step-not-found": 400,
};

/** The page's own files may load; nothing else, from nowhere else. */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

const errorBody = (message: string, code?: string) => ({
  error: message,
  ...(code ? { code } : {}),
});

/** A JSON object from a POST body, or the response that refuses it. */
async function jsonBody(
  c: Context,
): Promise<{ body: Record<string, unknown> } | { refused: Response }> {
  // A form or a `no-cors` fetch from another site cannot send this type without asking first.
  if (!(c.req.header("content-type") ?? "").startsWith("application/json")) {
    return {
      refused: c.json(errorBody("expected a JSON body (content-type: application/json)"), 415),
    };
  }
  try {
    const body: unknown = await c.req.json();
    if (typeof body === "object" && body !== null && !Array.isArray(body)) {
      return { body: body as Record<string, unknown> };
    }
  } catch {
    // falls through to the refusal
  }
  return { refused: c.json(errorBody("expected a JSON object"), 400) };
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") {
    throw new TypeError(`${name}: expected a string, received ${typeof value}`);
  }
  return value;
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined) throw new TypeError(`${name}: expected a non-empty string`);
  return value;
}

function describeTrigger(schedule: ScheduleInfo): string {
  const { trigger } = schedule;
  if (trigger.kind === "once") return `once at ${formatTimestamp(trigger.at)}`;
  if (trigger.kind === "every") return `every ${formatDuration(trigger.everyMs)}`;
  return `cron ${trigger.expression}${schedule.timezone ? ` (${schedule.timezone})` : ""}`;
}

function scheduleRow(schedule: ScheduleInfo) {
  return {
    id: schedule.id,
    target: schedule.target,
    kind: schedule.kind,
    trigger: describeTrigger(schedule),
    paused: schedule.paused,
    catchUp: schedule.catchUp,
    next: formatTimestamp(schedule.nextFireAt),
    last: formatTimestamp(schedule.lastFireAt),
    upcoming: (schedule.upcoming ?? []).map((time) => formatTimestamp(time)),
  };
}

/**
 * The dashboard's HTTP app: the page (HTML, one script, one stylesheet) and its JSON API,
 * every route behind the access token.
 */
export function dashboardApp(options: DashboardAppOptions): Hono {
  const { store, actions, workflows } = options;
  const app = new Hono();

  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
  });
  app.use(requireAccessToken(options.token));

  for (const [path, asset] of options.assets) {
    app.get(path, (c) => c.body(asset.body, 200, { "content-type": asset.contentType }));
  }

  // Browsers ask for it on their own; there is none.
  app.get("/favicon.ico", (c) => c.body(null, 204));

  app.get("/api/summary", async (c) => {
    const pending = await pendingApprovals({ store });
    return c.json({
      store: options.label,
      approvals: pending.length,
      schedules: options.hasSchedules,
    });
  });

  app.get("/api/runs", async (c) =>
    c.json(await listRunRows(store, parseRunsQuery(c.req.query()))),
  );

  app.get("/api/runs/:id", async (c) =>
    c.json(await runPage(store, c.req.param("id"), { workflows, now: options.now() })),
  );

  app.get("/api/runs/:id/events", async (c) => {
    const runId = c.req.param("id");
    const after = c.req.header("last-event-id") ?? c.req.query("after") ?? "0";
    const afterSeq = Number(after);
    if (!(Number.isInteger(afterSeq) && afterSeq >= 0)) {
      return c.json(
        errorBody(`after: expected a sequence number, received ${JSON.stringify(after)}`),
        400,
      );
    }
    if (!(await store.getRun(runId))) {
      return c.json(errorBody(`No run "${runId}" in the store`, "run-not-found"), 404);
    }
    const controller = new AbortController();
    const stop = () => controller.abort();
    options.closing.addEventListener("abort", stop, { once: true });
    c.req.raw.signal.addEventListener("abort", stop, { once: true });
    controller.signal.addEventListener("abort", () => {
      options.closing.removeEventListener("abort", stop);
      c.req.raw.signal.removeEventListener("abort", stop);
    });
    async function* events() {
      try {
        yield* liveEvents(store, runId, {
          afterSeq,
          signal: controller.signal,
          pollMs: options.pollMs,
        });
      } finally {
        controller.abort();
      }
    }
    return sseResponse(stopOnReturn(events(), controller), {
      signal: controller.signal,
      heartbeatMs: 15_000,
    });
  });

  app.post("/api/runs/:id/replay", async (c) => c.json(await actions.replay(c.req.param("id"))));

  app.post("/api/runs/:id/fork", async (c) => {
    const parsed = await jsonBody(c);
    if ("refused" in parsed) return parsed.refused;
    const fromStep = requiredString(parsed.body, "fromStep");
    const input = "input" in parsed.body ? { value: parsed.body.input } : undefined;
    return c.json({ runId: await actions.fork(c.req.param("id"), fromStep, input) }, 201);
  });

  app.post("/api/runs/:id/resume", async (c) =>
    c.json({ runId: await actions.resume(c.req.param("id")) }),
  );

  app.get("/api/approvals", async (c) => {
    const pending = await pendingApprovals({ store });
    return c.json(
      pending.map((item) => ({ ...item, requested: formatTimestamp(item.requestedAt) })),
    );
  });

  app.post("/api/approvals", async (c) => {
    const parsed = await jsonBody(c);
    if ("refused" in parsed) return parsed.refused;
    const { body } = parsed;
    const decision = body.decision;
    if (decision !== "approve" && decision !== "reject") {
      return c.json(
        errorBody(`decision: expected "approve" or "reject", received ${JSON.stringify(decision)}`),
        400,
      );
    }
    const comment = optionalString(body, "comment");
    const toolCallId = optionalString(body, "toolCallId");
    const decide = decision === "approve" ? approve : reject;
    const result = await decide(requiredString(body, "runId"), requiredString(body, "stepId"), {
      store,
      ...(comment !== undefined ? { comment } : {}),
      ...(toolCallId !== undefined ? { toolCallId } : {}),
    });
    return c.json(result);
  });

  app.get("/api/schedules", async (c) => {
    if (!options.hasSchedules) return c.json({ available: false, schedules: [] });
    const schedules = await listSchedules({ store, upcoming: 3 });
    return c.json({ available: true, schedules: schedules.map(scheduleRow) });
  });

  app.post("/api/schedules/:id/:action{pause|resume}", async (c) => {
    const change = c.req.param("action") === "pause" ? pauseSchedule : resumeSchedule;
    return c.json(scheduleRow(await change(c.req.param("id"), { store })));
  });

  app.notFound((c) => c.json(errorBody(`No such page: ${c.req.method} ${c.req.path}`), 404));

  app.onError((error, c) => {
    if (DurableError.isInstance(error)) {
      return c.json(errorBody(error.message, error.code), STATUS_OF[error.code] ?? 409);
    }
    if (error instanceof TypeError) return c.json(errorBody(error.message), 400);
    return c.json(errorBody(`${error.name}: ${error.message}`), 500);
  });

  return app;
}
