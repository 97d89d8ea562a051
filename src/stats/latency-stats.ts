/** Latency figures over a set of durations, in ms. */
export interface LatencyStats {
  /** How many durations. */
  count: number;
  averageMs: number;
  /** The median (nearest rank). */
  p50Ms: number;
  /**
   * The 95th percentile by the nearest-rank method: the smallest duration that at least
   * 95% of the durations are at or below (sorted ascending, the `ceil(0.95 * count)`-th).
   */
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

/** The `p`-th percentile (0 < p <= 100) of sorted values, by nearest rank. */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Summarises durations (ms); `undefined` for none. */
export function latencyStats(durations: readonly number[]): LatencyStats | undefined {
  if (durations.length === 0) return undefined;
  const sorted = [...durations].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    averageMs: total / sorted.length,
    p50Ms: nearestRank(sorted, 50),
    p95Ms: nearestRank(sorted, 95),
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
  };
}
