/**
 * Statistics over the runs in a store: runs and steps by status, latency per agent,
 * model and step, retries, fallbacks, usage and cost.
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
