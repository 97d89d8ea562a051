/** What a benchmark child process reports back to bench/run.ts. */
export interface ChildReport {
  cases: CaseReport[];
  /** Extra measurements a contender offers for a workload (Baton's resume time in W5). */
  extras?: ExtraReport[];
  /** Peak resident set size of the child process, in MB. */
  maxRssMb?: number;
}

export interface CaseReport {
  label: string;
  /** Makespans in ms, one per measured run (warm-up runs excluded). */
  samples: number[];
  /** "ok", or why there are no samples ("n/a: ...", "not installed: ...", "error: ..."). */
  status: string;
  /** LLM-shaped cases: 429s the provider sent for its limits, per measured run. */
  rateLimited?: number[];
  /** LLM-shaped cases: 429s injected as faults, per measured run. */
  injected?: number[];
}

export interface ExtraReport {
  label: string;
  /** Times in ms, one per measured run. */
  samples: number[];
  /** "ok", or why there are no samples ("pending: ...", "error: ..."). */
  status: string;
}
