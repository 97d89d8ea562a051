/**
 * A local web dashboard of the runs in a store: runs, a run's step graph (live), timeline,
 * tokens and cost, tool trace and errors; an approvals inbox; schedules; replay and fork.
 * Served on 127.0.0.1 with an access token by Hono on Node; loaded only by programs that
 * import this subpath (or run `baton dashboard`).
 * @module baton/dashboard
 */
import "../require-supported-node.js";

export { type Dashboard, type DashboardOptions, dashboard } from "./dashboard.js";
