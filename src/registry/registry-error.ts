import { errorMarker } from "../engine/index.js";
import { BatonError } from "../index.js";

const marker = errorMarker("RegistryError");

/** Why an agent registry refused. */
export type RegistryErrorCode =
  /** `enable`, `disable` or `unregister` named an agent the registry does not hold. */
  | "agent-not-found"
  /** A route found no agent to run: none has the capability, or every one is disabled, unhealthy, open-circuited or failed. */
  | "no-agent-available";

/**
 * An agent registry could not do what was asked. `code` says why; a route's failure names
 * the capability and what became of each agent it considered (`tried`), and its `cause` is
 * the last agent's error.
 */
export class RegistryError extends BatonError {
  readonly [marker] = true;
  override readonly code: RegistryErrorCode;
  readonly capability: string | undefined;
  /** For `no-agent-available`: each agent considered, and why it did not answer. */
  readonly tried: ReadonlyArray<{ agent: string; reason: string }>;
  readonly isRetryable = false;

  constructor(
    message: string,
    options: {
      code: RegistryErrorCode;
      capability?: string;
      tried?: ReadonlyArray<{ agent: string; reason: string }>;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = "RegistryError";
    this.code = options.code;
    this.capability = options.capability;
    this.tried = options.tried ?? [];
  }

  static override isInstance(error: unknown): error is RegistryError {
    return BatonError.hasMarker(error, marker);
  }
}
