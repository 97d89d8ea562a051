import { BatonError } from "../core/errors/baton-error.js";
import { errorMarker } from "../core/errors/error-marker.js";

const name = "CliInputError";
const marker = errorMarker(name);

/**
 * The command line asked for something that cannot be done: an unknown file or run, a
 * flag with a bad value. `baton` prints the message and exits with code 2.
 */
export class CliInputError extends BatonError {
  readonly [marker] = true;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: "cli-input" });
    this.name = name;
  }

  static override isInstance(error: unknown): error is CliInputError {
    return BatonError.hasMarker(error, marker);
  }
}
