/**
 * The output tokens reserved for a model call without an output cap (`maxOutputTokens`),
 * unless the budget sets `reserveOutputTokens`.
 */
export const defaultOutputReservation = 4096;

/** What a model call may spend, as its caller measures it before it goes (plain data). */
export interface CallEstimate {
  /** The prompt's tokens, tool definitions included, as the tokenizer counts them. */
  inputTokens: number;
  /** The call's output cap (`maxOutputTokens`), when it has one. */
  maxOutputTokens?: number;
  /** `inputTokens` at the model's price, in US cents; `null` when the price is unknown. */
  inputCents: number | null;
  /** What each output token costs at this input size, in US cents; `null` when unknown. */
  outputCentsPerToken: number | null;
}

/** What a model call holds against the budgets while it is in flight. */
export interface CallReservation {
  /** The prompt's tokens, as counted before the call. */
  inputTokens: number;
  /** The call's output cap, or the default reservation when it has none. */
  outputTokens: number;
  /** `inputTokens + outputTokens`. */
  tokens: number;
  /** Those tokens at the model's price; `null` when the price is unknown. */
  cents: number | null;
  /** The input tokens alone at the model's price (0 when unknown). */
  inputCents: number;
  /** Whether `outputTokens` is the call's own cap (the provider stops there). */
  capped: boolean;
}

/**
 * Reserves for one call: its input tokens plus its output cap, or `outputTokens` without
 * one, priced. Without an estimate, the cheap `estimatedInputTokens` at 0 cents.
 */
export function reserveCall(
  request: { estimatedInputTokens: number; estimate?: CallEstimate | undefined },
  outputTokens: number = defaultOutputReservation,
): CallReservation {
  const { estimate } = request;
  const counted = estimate?.inputTokens ?? request.estimatedInputTokens;
  const inputTokens = Number.isFinite(counted) ? Math.max(0, Math.ceil(counted)) : 0;
  const cap = estimate?.maxOutputTokens;
  const capped = typeof cap === "number" && Number.isFinite(cap) && cap >= 0;
  const output = capped ? Math.ceil(cap) : outputTokens;
  const inputCents = estimate ? estimate.inputCents : 0;
  const perToken = estimate ? estimate.outputCentsPerToken : 0;
  const known = (value: number | null) =>
    typeof value === "number" && Number.isFinite(value) && value >= 0;
  return {
    inputTokens,
    outputTokens: output,
    tokens: inputTokens + output,
    cents: known(inputCents) && known(perToken) ? inputCents! + output * perToken! : null,
    inputCents: known(inputCents) ? inputCents! : 0,
    capped,
  };
}
