/**
 * Statistics over the runs in a store: runs and steps by status, latency of whole runs and
 * per agent, model and step, retries, fallbacks, cache hit rate, tool calls per agent run,
 * usage and cost.
 * @module baton/stats
 */
import "../require-supported-node.js";

export type { LatencyStats } from "./latency-stats.js";
export {
  type RunStatistics,
  type RunStatisticsOptions,
  runStatistics,
  type StepOutcome,
} from "./run-statistics.js";
