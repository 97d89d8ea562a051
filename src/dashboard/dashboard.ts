import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { openStore, type StoreOption } from "../durable/store-option.js";
import type { WorkflowRegistry } from "../durable/workflow-registry.js";
import { checkOptions } from "../runtime/check-options.js";
import { systemClock } from "../runtime/system-clock.js";
import type { BuildWorkflowOptions } from "../spec/build-workflow.js";
import { redactLocation } from "../stores/redact-location.js";
import { newAccessToken } from "./access-token.js";
import { loadClientAssets } from "./client-assets.js";
import { dashboardApp } from "./dashboard-app.js";
import { dashboardOptionsRule } from "./dashboard-options-rule.js";
import { RunActions } from "./run-actions.js";

export interface DashboardOptions {
  /**
   * The runs to show: a RunStore (left open by `close()`), or a location opened (and closed)
   * by the dashboard: `sqlite:<path>` or a file path, `postgres://…`, `memory:`.
   * @default ".baton/baton.db"
   */
  store?: StoreOption;
  /** The port on 127.0.0.1; `0` takes a free one. @default 0 */
  port?: number;
  /**
   * Workflows defined in code, by name, so their runs can be replayed, forked and resumed
   * from their pages and their step graphs show each step's dependencies. Runs of spec
   * files need none. @default {}
   */
  workflows?: WorkflowRegistry;
  /** For spec runs that are replayed, forked or resumed: tools, env (API keys), clock. @default {} */
  build?: BuildWorkflowOptions;
  /** How the page names the store. @default the location (its password hidden), a SqliteStore's file, or the store's class name */
  label?: string;
  /**
   * How often a run page reads the log of a run that is going on, when the store cannot
   * say it grew (SQLite; PostgreSQL says so through LISTEN/NOTIFY).
   * @default 250
   */
  pollMs?: number;
  /** Closes the dashboard when it aborts. */
  signal?: AbortSignal;
}

/** A dashboard serving on 127.0.0.1. */
export interface Dashboard {
  /** The address to open, with the access token: `http://127.0.0.1:<port>/?token=<token>`. */
  readonly url: string;
  readonly port: number;
  /** Stops serving (live pages are disconnected), cancels runs it started, closes a store it opened. */
  close(): Promise<void>;
}

/** How the header names the store: its location (password hidden), its file, or its kind. */
function storeLabel(store: StoreOption | undefined): string {
  if (store === undefined) return ".baton/baton.db";
  if (typeof store === "string") return redactLocation(store);
  const path = (store as { path?: unknown }).path;
  return typeof path === "string" ? path : store.constructor.name;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Serves a dashboard of the runs in a store on 127.0.0.1: the runs (filtered by status,
 * workflow and day, with tokens, cost and duration), each run (step graph with live status,
 * timeline of steps and child runs, tokens and cost per agent and model, tool trace, errors
 * with their causes; replay, fork and resume), an approvals inbox and the schedules. Every
 * request needs the random access token in the URL it resolves with (a visit with it sets
 * a cookie, so links work). Works offline: the page is plain HTML, one small script and one
 * stylesheet, served by the dashboard.
 * @example
 * const board = await dashboard({ store: ".baton/baton.db" });
 * console.log(`Open ${board.url}`);
 * // … later
 * await board.close();
 */
export async function dashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  checkOptions(dashboardOptionsRule, options, "dashboard()");
  const workflows = options.workflows ?? {};
  options.signal?.throwIfAborted();
  const assets = loadClientAssets();
  const opened = await openStore(options.store, "dashboard");
  const label = options.label ?? storeLabel(options.store);
  const actions = new RunActions(opened.store, {
    workflows,
    ...(options.build ? { build: options.build } : {}),
  });
  const closing = new AbortController();
  const token = newAccessToken();
  const app = dashboardApp({
    store: opened.store,
    hasSchedules: opened.schedules !== undefined,
    token,
    label,
    assets,
    actions,
    workflows,
    pollMs: options.pollMs ?? 250,
    closing: closing.signal,
    now: () => systemClock.now(),
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  let port: number;
  try {
    port = await listen(server, options.port ?? 0);
  } catch (error) {
    await opened.release();
    throw error;
  }
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      options.signal?.removeEventListener("abort", onAbort);
      closing.abort();
      await actions.close();
      // The live streams end now (closing aborted them); give their last bytes a moment
      // to go out, then cut whatever is still open.
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), 500);
      await stopped;
      clearTimeout(cut);
      await opened.release();
    })();
    return closed;
  };
  const onAbort = () => {
    close().catch(() => {});
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  return { url: `http://127.0.0.1:${port}/?token=${token}`, port, close };
}
