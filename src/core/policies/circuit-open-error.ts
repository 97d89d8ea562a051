import { BatonError } from "../errors/baton-error.js";
import { errorMarker } from "../errors/error-marker.js";

const name = "CircuitOpenError";
const marker = errorMarker(name);

/** A model's circuit breaker is open: calls to it are refused until `retryAt`. */
export class CircuitOpenError extends BatonError {
  readonly [marker] = true;
  readonly model: string;
  /** When the circuit lets a trial call through (ms since the epoch). */
  readonly retryAt: number;
  /** Another model may answer: a fallback is worth trying, this model is not. */
  readonly isRetryable = false;

  constructor(options: { model: string; retryAt: number }) {
    super(`The circuit for model "${options.model}" is open after repeated failures`, {
      code: "circuit-open",
    });
    this.name = name;
    this.model = options.model;
    this.retryAt = options.retryAt;
  }

  static override isInstance(error: unknown): error is CircuitOpenError {
    return BatonError.hasMarker(error, marker);
  }
}
