import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamResult,
} from "@ai-sdk/provider";
import { abortGraceTurns, turnsUntil } from "../core/abort-grace.js";
import { CancelledError } from "../core/errors/cancelled-error.js";
import { serializeError } from "../core/events.js";
import type {
  ModelCallGate,
  ModelCallOutcome,
  ModelCallPermit,
  ModelCallRequest,
} from "../core/model-call-gate.js";
import {
  type CallEstimate,
  type CallReservation,
  defaultOutputReservation,
  reserveCall,
} from "../core/policies/call-reservation.js";
import type { Clock } from "../core/ports/clock.js";
import type { LoggedEvent } from "../core/ports/run-store.js";
import { type ResolvedRetryOptions, retryAfterOf, withRetry } from "../core/retry-policy.js";
import type { RunContext } from "../core/run-context.js";
import { emptyUsage, modelCallCost, possiblyBilledSpend, type Usage } from "../core/usage.js";
import {
  type PriceTable,
  priceModelCall,
  type ResolvedModel,
  usageFromProvider,
} from "../models/index.js";
import { preloadModel } from "../models/preload-model.js";
import { type AgentReplay, replayedCallRecord } from "./agent-replay.js";
import { countPromptTokens, estimateMessageTokens } from "./count-tokens.js";
import { abortable, abortError, anySignal, deadline } from "./deadline.js";
import { replayedGenerate, replayedStream } from "./replayed-reply.js";
import {
  type CacheScope,
  generateThroughCache,
  type ResolvedResponseCache,
  streamThroughCache,
} from "./response-cache.js";
import type { RunLedger } from "./run-ledger.js";
import { streamAttempt } from "./stream-attempt.js";
import { toModelCallError } from "./to-model-call-error.js";

/** How one agent run calls its models (internal). */
export interface ModelCallPolicy {
  agent: string;
  purpose: "step" | "summary";
  /** The models to try, primary first. A budget switch replaces it for the rest of the run. */
  route: { models: ResolvedModel[] };
  retry: ResolvedRetryOptions;
  /** Per-attempt timeout, in ms. */
  callTimeoutMs: number | undefined;
  clock: Clock;
  /** A uniform number in [0, 1), for retry jitter. */
  random: () => number;
  /** The run's signal: the caller's cancellation and the per-run timeout. */
  signal: AbortSignal;
  gate: ModelCallGate | undefined;
  prices: PriceTable | undefined;
  ledger: RunLedger;
  /** The run the calls belong to, if any: in a traced run each call's request carries its trace context. */
  context: Pick<RunContext, "runId" | "stepId" | "telemetry"> | undefined;
  /** Resolves the model a budget policy switches to. */
  resolve(model: string): ResolvedModel;
  /** Receives streamed text as it passes through, before the tool loop reads it. */
  onTextDelta?: (delta: string) => void;
  /** What an interrupted earlier run of this work recorded: its replies are served first. */
  replay?: AgentReplay | undefined;
  /**
   * Whether the step this run belongs to waits (an approval, another run's wait): the run
   * then makes no new model call, and stops.
   */
  waits?: (() => Error | undefined) | undefined;
  /**
   * Resolves once the run's log holds every event emitted so far (`RunContext.stored`): a
   * call is made only once its `model-call-start` is stored, so every request a provider
   * may bill is in the log (replied or not).
   */
  stored?: (() => Promise<void>) | undefined;
  /** The response cache, when the agent or the run opted in. */
  cache?: ResolvedResponseCache | undefined;
}

/** What the prompt of one call weighs, counted once for all its attempts. */
interface PromptSize {
  /** The cheap estimate, for rate limits. */
  estimated: number;
  /** The tokenizer's count, for budget reservations (counted on first use). */
  count(): number;
  /** The call's output cap. */
  maxOutputTokens: number | undefined;
}

/** What an attempt reports when it ends; `settle` records it exactly once. */
export interface AttemptOutcome {
  usage?: Usage;
  error?: unknown;
  response?: unknown;
  finishReason?: string;
  /** The provider's id of its response. */
  responseId?: string;
}

export type Settle = (outcome: AttemptOutcome) => void;

/** The two signals of an attempt. */
export interface AttemptSignals {
  /** Aborts when the caller stops waiting: a timeout, a cancelled or failed run. */
  signal: AbortSignal;
  /**
   * What the provider's request gets: it aborts `abortGraceTurns` event-loop turns after
   * `signal`, unless the attempt settled first, so a reply that had arrived is still read.
   */
  requestSignal: AbortSignal;
}

type CallOnce<T> = (
  model: ResolvedModel,
  signals: AttemptSignals,
  settle: Settle,
  headers: Record<string, string> | undefined,
) => Promise<T>;

type GatedAttempt<T> =
  | { kind: "done"; value: T }
  | { kind: "denied"; permit: Extract<ModelCallPermit, { granted: false }> };

/**
 * A LanguageModelV4 that the AI SDK's tool loop calls like any other, and that applies
 * Baton's policy to every call: the gate (rate limits, breakers, budgets), retries of
 * retryable failures with backoff and Retry-After, a per-attempt timeout, fallback models
 * in order, and a record (usage, cost, duration, events) of every attempt.
 */
export function policyModel(policy: ModelCallPolicy): LanguageModelV4 {
  const primary = policy.route.models[0] as ResolvedModel;
  // Which model answered: the last attempt that returned is the one that succeeded.
  const answered = async <T extends LanguageModelV4GenerateResult | LanguageModelV4StreamResult>(
    options: LanguageModelV4CallOptions,
    attempt: (
      model: ResolvedModel,
      signals: AttemptSignals,
      settle: Settle,
      headers: Record<string, string> | undefined,
    ) => Promise<T>,
  ) => {
    let model = primary.id;
    const value = await callWithPolicy<T>(policy, options, (tried, signals, settle, headers) => {
      model = tried.id;
      return attempt(tried, signals, settle, headers);
    });
    return { value, model };
  };
  const generate = (options: LanguageModelV4CallOptions) =>
    answered(options, (model, signals, settle, headers) =>
      generateAttempt(model, withHeaders(options, headers), signals, settle),
    );
  const stream = (options: LanguageModelV4CallOptions) =>
    answered(options, (model, signals, settle, headers) =>
      streamAttempt(
        model,
        withHeaders(options, headers),
        signals,
        settle,
        policy.clock,
        policy.onTextDelta,
      ),
    );
  return {
    specificationVersion: "v4",
    provider: primary.provider,
    modelId: primary.modelId,
    get supportedUrls() {
      return primary.model.supportedUrls;
    },
    doGenerate: async (options) => {
      const recorded = replayedReply(policy);
      if (recorded) return replayedGenerate(recorded);
      const scope = cacheScope(policy);
      if (!scope) return (await generate(options)).value;
      return generateThroughCache(scope, options, () => generate(options));
    },
    doStream: async (options) => {
      const recorded = replayedReply(policy);
      if (recorded) return replayedStream(recorded);
      const scope = cacheScope(policy);
      if (!scope) return (await stream(options)).value;
      return streamThroughCache(scope, options, () => stream(options));
    },
  };
}

/**
 * The recorded reply that answers this call, when an interrupted earlier run of this work
 * recorded one (`policy.replay`): no model call, no cache lookup, no events (they are in the
 * log already); the ledger books what the recorded attempts spent. `undefined` when the call
 * is to be made: then it throws instead if the step waits (no new call goes out).
 */
function replayedReply(policy: ModelCallPolicy): LoggedEvent | undefined {
  const recorded = policy.replay?.nextCall(policy.purpose);
  if (recorded) {
    for (const failed of recorded.failed) {
      policy.ledger.addModelCall(replayedCallRecord(failed, policy.purpose));
    }
    if (recorded.reply) {
      const { reply } = recorded;
      const attempt = 1 + recorded.failed.filter((failed) => failed.model === reply.model).length;
      policy.ledger.addModelCall({ ...replayedCallRecord(reply, policy.purpose), attempt });
      return reply;
    }
  }
  const waiting = policy.waits?.();
  if (waiting) throw waiting;
  return undefined;
}

function cacheScope(policy: ModelCallPolicy): CacheScope | undefined {
  if (!policy.cache) return undefined;
  return {
    agent: policy.agent,
    purpose: policy.purpose,
    cache: policy.cache,
    clock: policy.clock,
    ledger: policy.ledger,
    // A budget switch changes the route: the request is then for the cheaper model.
    model: (policy.route.models[0] as ResolvedModel).id,
    onTextDelta: policy.onTextDelta,
  };
}

/** The call's options with the trace headers its HTTP request carries (providers send call headers). */
function withHeaders(
  options: LanguageModelV4CallOptions,
  headers: Record<string, string> | undefined,
): LanguageModelV4CallOptions {
  return headers ? { ...options, headers: { ...options.headers, ...headers } } : options;
}

async function generateAttempt(
  model: ResolvedModel,
  options: LanguageModelV4CallOptions,
  { signal, requestSignal }: AttemptSignals,
  settle: Settle,
): Promise<LanguageModelV4GenerateResult> {
  const reply = model.model.doGenerate({ ...options, abortSignal: requestSignal });
  // A reply that arrives is billed, even when the call was aborted as it came in (a timeout
  // firing before the response was read or while it was parsed): settled here, not by the
  // abort.
  reply.then(
    (result) =>
      settle({
        usage: usageFromProvider(result.usage),
        response: result.content,
        finishReason: result.finishReason.unified,
        ...(result.response?.id !== undefined ? { responseId: result.response.id } : {}),
        ...(signal.aborted ? { error: abortError(signal) } : {}),
      }),
    (error: unknown) => {
      if (signal.aborted) settle({ error: abortError(signal), ...usageOfError(error) });
    },
  );
  return abortable(reply, signal);
}

async function callWithPolicy<
  T extends LanguageModelV4GenerateResult | LanguageModelV4StreamResult,
>(policy: ModelCallPolicy, options: LanguageModelV4CallOptions, once: CallOnce<T>): Promise<T> {
  const signal = anySignal([policy.signal, options.abortSignal]);
  let counted: number | undefined;
  const prompt: PromptSize = {
    estimated: estimateMessageTokens(options.prompt),
    count: () => {
      counted ??= countPromptTokens(options.prompt, options.tools);
      return counted;
    },
    maxOutputTokens: options.maxOutputTokens,
  };
  let models = [...policy.route.models];
  const tried = new Set<string>();
  let lastError: unknown;
  for (let index = 0; index < models.length; index++) {
    const model = models[index] as ResolvedModel;
    tried.add(model.id);
    if (index > 0) {
      const from = (models[index - 1] as ResolvedModel).id;
      policy.ledger.emit({ type: "model-call-fallback", agent: policy.agent, from, to: model.id });
    }
    let attempt: GatedAttempt<T>;
    try {
      attempt = await withRetry(
        (attemptNumber) => gatedAttempt(policy, model, attemptNumber, prompt, signal, once),
        policy.retry,
        {
          clock: policy.clock,
          signal,
          random: policy.random,
          onRetry: ({ attempt: failed, delayMs }) =>
            policy.ledger.emit({
              type: "model-call-retry",
              agent: policy.agent,
              model: model.id,
              attempt: failed,
              delayMs,
            }),
        },
      );
    } catch (error) {
      if (signal.aborted) throw abortError(signal);
      if (CancelledError.isInstance(error)) throw error;
      lastError = error;
      continue;
    }
    if (attempt.kind === "done") return attempt.value;
    const { permit } = attempt;
    if (permit.reason === "budget-exceeded") {
      if (permit.switchTo === undefined || tried.has(permit.switchTo)) {
        policy.ledger.refusal = permit;
        throw permit.error;
      }
      const cheaper = policy.resolve(permit.switchTo);
      // Later steps of this run start on the cheaper model instead of asking again.
      policy.route.models = [cheaper];
      models = [...models.slice(0, index + 1), cheaper];
      continue;
    }
    lastError = permit.error;
  }
  throw lastError;
}

async function gatedAttempt<T>(
  policy: ModelCallPolicy,
  model: ResolvedModel,
  attempt: number,
  prompt: PromptSize,
  signal: AbortSignal,
  once: CallOnce<T>,
): Promise<GatedAttempt<T>> {
  // A first call would otherwise count loading the provider's package as model latency.
  await preloadModel(model.model);
  let estimate: CallEstimate | undefined;
  const estimateOf = (): CallEstimate => {
    estimate ??= callEstimate(policy, model, prompt);
    return estimate;
  };
  const request: ModelCallRequest = {
    model: model.id,
    agent: policy.agent,
    estimatedInputTokens: prompt.estimated,
    ...(policy.gate?.reservesBudget ? { estimate: estimateOf() } : {}),
    signal,
  };
  let release: ((outcome: ModelCallOutcome) => void) | undefined;
  let reservation: CallReservation | undefined;
  if (policy.gate) {
    const permit = await policy.gate.acquire(request);
    if (!permit.granted) return { kind: "denied", permit };
    release = permit.release;
    reservation = permit.reservation;
  }
  const { clock, ledger } = policy;
  const startedAt = clock.now();
  const place = ledger.callPlace();
  // In a run, the start carries what the call may cost: a call the log never sees answered
  // (its process died) is booked as possibly billed at this reservation when the run resumes.
  if (policy.stored) reservation ??= reserveCall({ ...request, estimate: estimateOf() });
  ledger.emit({
    type: "model-call-start",
    agent: policy.agent,
    model: model.id,
    attempt,
    ...(reservation && policy.stored
      ? { reservation: { tokens: reservation.tokens, cents: reservation.cents } }
      : {}),
  });
  // Asked right after the start is logged (and observed), so the headers name this call's span.
  const { context } = policy;
  const headers = context?.telemetry?.modelCallHeaders({
    runId: context.runId,
    stepId: context.stepId,
    agent: policy.agent,
    model: model.id,
    attempt,
  });
  const endResponse = policy.purpose === "step" ? ledger.beginResponse() : undefined;
  const timer =
    policy.callTimeoutMs === undefined
      ? undefined
      : deadline(
          clock,
          policy.callTimeoutMs,
          `Model call to ${model.id} timed out after ${policy.callTimeoutMs} ms`,
        );
  const callSignal = anySignal([signal, timer?.signal]);
  const providerRequest = new AbortController();

  let settled = false;
  let sent = policy.stored === undefined;
  let ended!: () => void;
  ledger.track(
    new Promise<void>((resolve) => {
      ended = resolve;
    }),
  );
  // The caller stops waiting at once, but the request stays open for the grace turns: on a
  // busy event loop the timeout can fire before the socket that holds the whole reply is
  // read, and a reply that arrived is billed. Then the request is aborted; the call settles
  // when its provider gives up, or bills its reply if it was still being parsed; a provider
  // that ignores the abort is booked as possibly billed after as many turns again (the
  // engine waits for an aborted attempt's spend longer than both, see stepAbortTurns).
  const onAbort = () => {
    turnsUntil(() => settled, abortGraceTurns)
      .then(() => {
        providerRequest.abort(callSignal.reason);
        return turnsUntil(() => settled, abortGraceTurns);
      })
      .then(() => settle({ error: abortError(callSignal) }));
  };
  const settle: Settle = (outcome) => {
    if (settled) return;
    settled = true;
    endResponse?.();
    callSignal.removeEventListener("abort", onAbort);
    timer?.cancel();
    const durationMs = clock.now() - startedAt;
    // Aborted before its reply arrived: the provider may have billed it, up to what it
    // reserved; not when it was aborted before its request went out.
    const possiblyBilled =
      outcome.usage === undefined && outcome.error !== undefined && callSignal.aborted && sent;
    const usage = outcome.usage ?? emptyUsage();
    // An attempt that reported no usage was not billed, whatever the model's price.
    let costCents =
      outcome.usage === undefined
        ? 0
        : priceModelCall(
            { provider: model.provider, modelId: model.modelId, usage },
            policy.prices ? { prices: policy.prices } : {},
          ).cents;
    let spend = { usage, cost: modelCallCost(model.id, costCents) };
    let held: { tokens: number; cents: number | null } | undefined;
    if (possiblyBilled) {
      reservation ??= reserveCall({ ...request, estimate: estimateOf() });
      held = { tokens: reservation.tokens, cents: reservation.cents };
      spend = possiblyBilledSpend(model.id, held);
      costCents = held.cents === null ? null : 0;
    }
    const error = outcome.error === undefined ? undefined : serializeError(outcome.error);
    ledger.addModelCall(
      {
        model: model.id,
        attempt,
        purpose: policy.purpose,
        usage: spend.usage,
        costCents,
        ...(held ? { possiblyBilled: held } : {}),
        startedAt,
        durationMs,
        ...(outcome.finishReason !== undefined ? { finishReason: outcome.finishReason } : {}),
        ...(error ? { error } : {}),
      },
      place,
    );
    if (error) {
      ledger.emit({
        type: "model-call-error",
        agent: policy.agent,
        model: model.id,
        error,
        attempt,
        ...(outcome.usage || possiblyBilled ? spend : {}),
        ...(policy.purpose === "summary" ? { purpose: "summary" as const } : {}),
      });
    } else {
      ledger.emit({
        type: "model-call-end",
        agent: policy.agent,
        model: model.id,
        usage: spend.usage,
        cost: spend.cost,
        durationMs,
        response: outcome.response,
        ...(outcome.finishReason !== undefined ? { finishReason: outcome.finishReason } : {}),
        ...(outcome.responseId !== undefined ? { responseId: outcome.responseId } : {}),
        ...(policy.purpose === "summary" ? { purpose: "summary" as const } : {}),
      });
    }
    const retryAfterMs =
      outcome.error === undefined ? undefined : retryAfterOf(outcome.error, clock.now());
    release?.({
      ...spend,
      ...(possiblyBilled ? { possiblyBilled } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
    ended();
  };

  if (callSignal.aborted) {
    // Aborted before it went: no request is sent.
    providerRequest.abort(callSignal.reason);
    onAbort();
  } else callSignal.addEventListener("abort", onAbort, { once: true });
  try {
    if (policy.stored) await abortable(policy.stored(), callSignal);
    sent = true;
    const signals = { signal: callSignal, requestSignal: providerRequest.signal };
    return { kind: "done", value: await once(model, signals, settle, headers) };
  } catch (thrown) {
    if (callSignal.aborted) {
      // Settled by the provider's own end or by the abort's grace turn (see onAbort).
      const error = abortError(callSignal);
      const billed = usageOfError(thrown);
      if (billed.usage) settle({ error, ...billed });
      throw error;
    }
    const error = toModelCallError(thrown, model.id, clock.now());
    settle({ error, ...usageOfError(thrown) });
    throw error;
  }
}

/**
 * What a call to `model` with `prompt` may spend: its prompt counted with the tokenizer and
 * priced, and the price of each output token at that input size (measured at its cap, or
 * the default reservation, so a tiered price is read where the call can end up).
 */
function callEstimate(
  policy: ModelCallPolicy,
  model: ResolvedModel,
  prompt: PromptSize,
): CallEstimate {
  const inputTokens = prompt.count();
  const price = (input: number, output: number): number | null =>
    priceModelCall(
      {
        provider: model.provider,
        modelId: model.modelId,
        usage: {
          ...emptyUsage(),
          inputTokens: input,
          outputTokens: output,
          totalTokens: input + output,
        },
      },
      { ...(policy.prices ? { prices: policy.prices } : {}), onUnknown: () => {} },
    ).cents;
  const inputCents = price(inputTokens, 0);
  const probe = prompt.maxOutputTokens ?? defaultOutputReservation;
  const withOutput = probe > 0 ? price(inputTokens, probe) : inputCents;
  return {
    inputTokens,
    ...(prompt.maxOutputTokens !== undefined ? { maxOutputTokens: prompt.maxOutputTokens } : {}),
    inputCents,
    outputCentsPerToken:
      inputCents === null || withOutput === null
        ? null
        : probe > 0
          ? Math.max(0, withOutput - inputCents) / probe
          : 0,
  };
}

/** Some failures still report what the provider billed (e.g. a stream cut after usage). */
function usageOfError(error: unknown): { usage?: Usage } {
  if (typeof error !== "object" || error === null || !("usage" in error)) return {};
  const usage = (error as { usage: unknown }).usage;
  if (typeof usage !== "object" || usage === null) return {};
  return { usage: usageFromProvider(usage as Parameters<typeof usageFromProvider>[0]) };
}
