import { errorMarker } from "../engine/index.js";
import { BatonError } from "../index.js";

const name = "PatternOutputError";
const marker = errorMarker(name);

/**
 * A participant's answer does not have the shape a pattern needs: a vote, a review, a
 * verdict, a route, a plan. Give the agent the matching schema as its `output` (for
 * example `output: voteSchema`) so the provider enforces the shape.
 */
export class PatternOutputError extends BatonError {
  readonly [marker] = true;
  /** The participant that answered. */
  readonly participant: string;
  /** What the pattern expected, in words. */
  readonly expected: string;
  /** What the participant answered. */
  readonly text: string;
  readonly isRetryable = false;

  constructor(options: { participant: string; expected: string; text: string; cause?: unknown }) {
    const shown = options.text.length > 200 ? `${options.text.slice(0, 199)}…` : options.text;
    super(
      `"${options.participant}" answered ${JSON.stringify(shown)}, expected ${options.expected}`,
      { cause: options.cause, code: "pattern-output-invalid" },
    );
    this.name = name;
    this.participant = options.participant;
    this.expected = options.expected;
    this.text = options.text;
  }

  static override isInstance(error: unknown): error is PatternOutputError {
    return BatonError.hasMarker(error, marker);
  }
}
