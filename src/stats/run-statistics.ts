import { CancelledError } from "../core/errors/cancelled-error.js";
import {
  RUN_STATUSES,
  type RunRecord,
  type RunStatus,
  type RunStore,
  type StoredEvent,
} from "../core/ports/run-store.js";
import {
  addCost,
  addUsage,
  type CostBreakdown,
  emptyCost,
  emptyUsage,
  type Usage,
} from "../core/usage.js";
import { type LatencyStats, latencyStats } from "./latency-stats.js";

export interface RunStatisticsOptions {
  /** Only runs created at or after this time (ms since the epoch, or a Date). @default all */
  since?: number | Date;
  /** Only runs of the workflow with this name. @default all */
  workflow?: string;
  /** Stops reading the store; the promise rejects with `CancelledError`. */
  signal?: AbortSignal;
}

/** How a step of a run ended, as its log tells it. */
export type StepOutcome = "succeeded" | "failed" | "skipped" | "running" | "interrupted";

/** Figures over the runs in a store. */
export interface RunStatistics {
  runs: { total: number; byStatus: Record<RunStatus, number> };
  /**
   * Each step of each run counted once, by its last state: `running` while its run is
   * still live, `interrupted` when the run ended (or stopped logging) before the step did.
   */
  steps: { total: number; byStatus: Record<StepOutcome, number> };
  latency: {
    /**
     * Whole runs that ended (succeeded, failed or cancelled), from their first `run-start`
     * to their end; sub-workflow runs count as runs of their own. `undefined` when none ended.
     */
    runs: LatencyStats | undefined;
    /** Agent runs, from `agent-start` to `agent-end`. */
    byAgent: Record<string, LatencyStats>;
    /** Successful model calls (`model-call-end.durationMs`), by `provider:model-id`. */
    byModel: Record<string, LatencyStats>;
    /** Steps that ended (`step-end.durationMs`), by step id. */
    byStep: Record<string, LatencyStats>;
  };
  retries: {
    /** `step-retry` events: a whole step tried again. */
    steps: number;
    /** `model-call-retry` events: one model call tried again inside an agent. */
    modelCalls: number;
  };
  fallbacks: {
    /** `model-call-fallback` events. */
    total: number;
    /** By `"<from> -> <to>"`. */
    byRoute: Record<string, number>;
  };
  /** Agents' response caches (`cache` option): each lookup is a hit or a miss. */
  cache: {
    /** `model-call-cache-hit` events: calls answered without the model. */
    hits: number;
    /** `model-call-cache-miss` events: lookups that went on to the model. */
    misses: number;
    /** `hits / (hits + misses)`; `null` when no agent looked anything up. */
    hitRate: number | null;
  };
  /** Agent runs (`agent-start`) and the tool calls they made (`tool-call-start`). */
  agents: {
    runs: number;
    toolCalls: number;
    /** Tool calls per agent run; `null` without agent runs. */
    averageToolCalls: number | null;
    byAgent: Record<string, { runs: number; toolCalls: number; averageToolCalls: number }>;
  };
  /**
   * Everything the runs used. A run whose parent is also counted (a sub-workflow) is
   * left out, because its parent's total already includes it.
   */
  usage: Usage;
  cost: CostBreakdown;
}

const LIVE: ReadonlySet<RunStatus> = new Set(["pending", "running", "waiting"]);

/**
 * Reads runs and their logs from a store and sums them up: runs and steps by status,
 * latency of whole runs and per agent, model and step (average, p50, p95), retries and
 * fallbacks taken, the response cache's hit rate, tool calls per agent run, and total
 * usage and cost.
 *
 * @example
 * const stats = await runStatistics(store, { since: Date.now() - 86_400_000 });
 * stats.latency.byModel["openai:gpt-4o-mini"]?.p95Ms;
 */
export async function runStatistics(
  store: RunStore,
  { since, workflow, signal }: RunStatisticsOptions = {},
): Promise<RunStatistics> {
  if (
    typeof store !== "object" ||
    store === null ||
    typeof store.listRuns !== "function" ||
    typeof store.readLog !== "function"
  ) {
    throw new TypeError(
      `runStatistics: expected "store" to be a RunStore, received ${store === null ? "null" : typeof store}`,
    );
  }
  const sinceMs = since instanceof Date ? since.getTime() : since;
  if (sinceMs !== undefined && !Number.isFinite(sinceMs)) {
    throw new TypeError(
      `runStatistics: expected "since" to be a time in ms or a Date, received ${String(since)}`,
    );
  }
  throwIfAborted(signal);
  const runs = (await store.listRuns()).filter(
    (run) =>
      (sinceMs === undefined || run.createdAt >= sinceMs) &&
      (workflow === undefined || run.workflow === workflow),
  );
  const selected = new Set(runs.map((run) => run.id));
  const tally = new Tally();
  for (const run of runs) {
    throwIfAborted(signal);
    tally.runs.byStatus[run.status]++;
    const log = await store.readLog(run.id);
    // Events of another counted run (a child's, copied into its parent's log) count once, there.
    const own = log.filter((event) => {
      const runId = event.runId;
      return typeof runId !== "string" || runId === run.id || !selected.has(runId);
    });
    tally.addRun(run, own, run.parentId !== undefined && selected.has(run.parentId));
  }
  throwIfAborted(signal);
  return tally.result(runs.length);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError(undefined, { cause: signal.reason });
}

/** Running totals (internal). */
class Tally {
  readonly runs = { byStatus: Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) } as {
    byStatus: Record<RunStatus, number>;
  };
  readonly steps: Record<StepOutcome, number> = {
    succeeded: 0,
    failed: 0,
    skipped: 0,
    running: 0,
    interrupted: 0,
  };
  readonly #agentDurations = new Map<string, number[]>();
  readonly #modelDurations = new Map<string, number[]>();
  readonly #stepDurations = new Map<string, number[]>();
  stepRetries = 0;
  modelCallRetries = 0;
  readonly fallbacks = new Map<string, number>();
  readonly #runDurations: number[] = [];
  cacheHits = 0;
  cacheMisses = 0;
  readonly #agentRuns = new Map<string, { runs: number; toolCalls: number }>();
  usage = emptyUsage();
  cost = emptyCost();

  addRun(run: RunRecord, log: readonly StoredEvent[], insideCountedParent: boolean): void {
    const stepStates = new Map<string, StepOutcome>();
    const agentStarts = new Map<string, number[]>();
    let runEnd: StoredEvent | undefined;
    let stepUsage = emptyUsage();
    let stepCost = emptyCost();
    let agentUsage = emptyUsage();
    let agentCost = emptyCost();
    let sawStepTotals = false;
    let startedAt: number | undefined;
    let endedAt: number | undefined;

    for (const event of log) {
      const ownRun = event.runId === undefined || event.runId === run.id;
      const ownStep =
        typeof event.stepId === "string" && (event.runId === undefined || event.runId === run.id);
      switch (event.type) {
        case "run-start":
          if (ownRun && startedAt === undefined) startedAt = event.at;
          break;
        case "run-end":
          if (ownRun) {
            runEnd = event;
            endedAt = event.at;
          }
          break;
        case "run-error":
        case "run-cancel":
          if (ownRun) endedAt = event.at;
          break;
        case "step-start":
          if (ownStep) stepStates.set(event.stepId as string, "running");
          break;
        case "step-end":
          if (ownStep) {
            stepStates.set(event.stepId as string, "succeeded");
            push(this.#stepDurations, event.stepId as string, event.durationMs);
            [stepUsage, stepCost] = addTotals(stepUsage, stepCost, event);
            sawStepTotals = true;
          }
          break;
        case "step-error":
          if (ownStep) {
            if (event.willRetry !== true) stepStates.set(event.stepId as string, "failed");
            [stepUsage, stepCost] = addTotals(stepUsage, stepCost, event);
            sawStepTotals = true;
          }
          break;
        case "step-skip":
          if (ownStep) stepStates.set(event.stepId as string, "skipped");
          break;
        case "step-retry":
          this.stepRetries++;
          break;
        case "agent-start": {
          if (typeof event.agent === "string") this.#countAgent(event.agent, "runs");
          const starts = agentStarts.get(agentKey(event)) ?? [];
          starts.push(event.at);
          agentStarts.set(agentKey(event), starts);
          break;
        }
        case "agent-end": {
          const startedAt = agentStarts.get(agentKey(event))?.shift();
          const duration =
            typeof event.durationMs === "number"
              ? event.durationMs
              : startedAt !== undefined
                ? event.at - startedAt
                : undefined;
          if (typeof event.agent === "string") push(this.#agentDurations, event.agent, duration);
          [agentUsage, agentCost] = addTotals(agentUsage, agentCost, event);
          break;
        }
        case "agent-error":
          agentStarts.get(agentKey(event))?.shift();
          break;
        case "model-call-end":
          if (typeof event.model === "string")
            push(this.#modelDurations, event.model, event.durationMs);
          break;
        case "model-call-retry":
          this.modelCallRetries++;
          break;
        case "model-call-cache-hit":
          this.cacheHits++;
          break;
        case "model-call-cache-miss":
          this.cacheMisses++;
          break;
        case "tool-call-start":
          if (typeof event.agent === "string") this.#countAgent(event.agent, "toolCalls");
          break;
        case "model-call-fallback": {
          const route = `${String(event.from)} -> ${String(event.to)}`;
          this.fallbacks.set(route, (this.fallbacks.get(route) ?? 0) + 1);
          break;
        }
      }
    }

    const ended =
      run.status === "succeeded" || run.status === "failed" || run.status === "cancelled";
    if (ended && startedAt !== undefined && endedAt !== undefined) {
      if (endedAt >= startedAt) this.#runDurations.push(endedAt - startedAt);
    }
    const live = LIVE.has(run.status) && runEnd === undefined;
    for (const state of stepStates.values()) {
      this.steps[state === "running" && !live ? "interrupted" : state]++;
    }
    if (insideCountedParent) return;
    // The run's own total is authoritative; without one (failed, live, or crashed runs)
    // the steps' totals, failed attempts included; for a bare agent run, its agents'.
    if (runEnd) [this.usage, this.cost] = addTotals(this.usage, this.cost, runEnd);
    else if (sawStepTotals) {
      this.usage = addUsage(this.usage, stepUsage);
      this.cost = addCost(this.cost, stepCost);
    } else {
      this.usage = addUsage(this.usage, agentUsage);
      this.cost = addCost(this.cost, agentCost);
    }
  }

  #countAgent(agent: string, field: "runs" | "toolCalls"): void {
    const counts = this.#agentRuns.get(agent) ?? { runs: 0, toolCalls: 0 };
    counts[field]++;
    this.#agentRuns.set(agent, counts);
  }

  result(runCount: number): RunStatistics {
    const lookups = this.cacheHits + this.cacheMisses;
    const agentCounts = [...this.#agentRuns].sort(([a], [b]) => a.localeCompare(b));
    const agentRuns = agentCounts.reduce((sum, [, counts]) => sum + counts.runs, 0);
    const toolCalls = agentCounts.reduce((sum, [, counts]) => sum + counts.toolCalls, 0);
    return {
      runs: { total: runCount, byStatus: this.runs.byStatus },
      steps: {
        total: Object.values(this.steps).reduce((sum, count) => sum + count, 0),
        byStatus: this.steps,
      },
      latency: {
        runs: latencyStats(this.#runDurations),
        byAgent: summarise(this.#agentDurations),
        byModel: summarise(this.#modelDurations),
        byStep: summarise(this.#stepDurations),
      },
      retries: { steps: this.stepRetries, modelCalls: this.modelCallRetries },
      fallbacks: {
        total: [...this.fallbacks.values()].reduce((sum, count) => sum + count, 0),
        byRoute: Object.fromEntries(this.fallbacks),
      },
      cache: {
        hits: this.cacheHits,
        misses: this.cacheMisses,
        hitRate: lookups === 0 ? null : this.cacheHits / lookups,
      },
      agents: {
        runs: agentRuns,
        toolCalls,
        averageToolCalls: agentRuns === 0 ? null : toolCalls / agentRuns,
        byAgent: Object.fromEntries(
          agentCounts.map(([agent, counts]) => [
            agent,
            {
              ...counts,
              averageToolCalls: counts.runs === 0 ? 0 : counts.toolCalls / counts.runs,
            },
          ]),
        ),
      },
      usage: this.usage,
      cost: this.cost,
    };
  }
}

function agentKey(event: StoredEvent): string {
  return `${String(event.runId)}\u0000${String(event.stepId)}\u0000${String(event.agent)}`;
}

function push(map: Map<string, number[]>, key: string, duration: unknown): void {
  if (typeof duration !== "number" || !Number.isFinite(duration) || duration < 0) return;
  const list = map.get(key);
  if (list) list.push(duration);
  else map.set(key, [duration]);
}

function summarise(map: Map<string, number[]>): Record<string, LatencyStats> {
  const out: Record<string, LatencyStats> = {};
  for (const [key, durations] of [...map].sort(([a], [b]) => a.localeCompare(b))) {
    const stats = latencyStats(durations);
    if (stats) out[key] = stats;
  }
  return out;
}

/** Adds an event's `usage` and `cost`, when it has well-formed ones. */
function addTotals(usage: Usage, cost: CostBreakdown, event: StoredEvent): [Usage, CostBreakdown] {
  const eventUsage = toUsage(event.usage);
  const eventCost = toCost(event.cost);
  return [
    eventUsage ? addUsage(usage, eventUsage) : usage,
    eventCost ? addCost(cost, eventCost) : cost,
  ];
}

/** Usage as logged, with missing counts read as 0 (an older or foreign writer). */
function toUsage(value: unknown): Usage | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Partial<Record<keyof Usage, unknown>>;
  const count = (key: keyof Usage) => {
    const number = record[key];
    return typeof number === "number" && Number.isFinite(number) ? number : 0;
  };
  return {
    inputTokens: count("inputTokens"),
    outputTokens: count("outputTokens"),
    cachedInputTokens: count("cachedInputTokens"),
    reasoningTokens: count("reasoningTokens"),
    totalTokens: count("totalTokens"),
  };
}

function toCost(value: unknown): CostBreakdown | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Partial<Record<keyof CostBreakdown, unknown>>;
  const modelCents = typeof record.modelCents === "number" ? record.modelCents : null;
  const toolCents = typeof record.toolCents === "number" ? record.toolCents : 0;
  const unpricedModels = Array.isArray(record.unpricedModels)
    ? record.unpricedModels.filter((model): model is string => typeof model === "string")
    : [];
  return {
    modelCents,
    toolCents,
    totalCents: modelCents === null ? null : modelCents + toolCents,
    unpricedModels,
  };
}
