import { BatonError } from "../core/errors/baton-error.js";

const marker = Symbol.for("baton.error.cli-input");

/**
 * The command line asked for something that cannot be done: an unknown file or run, a
 * flag with a bad value. `baton` prints the message and exits with code 2.
 */
export class CliInputError extends BatonError {
  readonly [marker] = true;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "CliInputError";
  }

  static override isInstance(error: unknown): error is CliInputError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
