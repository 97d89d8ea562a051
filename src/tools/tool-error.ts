import { BatonError } from "../core/errors/baton-error.js";
import { errorMarker } from "../core/errors/error-marker.js";

const name = "ToolError";
const marker = errorMarker(name);

/** Why a built-in tool refused or failed a call. */
export type ToolErrorCode =
  /** `httpFetch`: the URL's host is not on `allowHosts` (a redirect's included). */
  | "host-not-allowed"
  /** `httpFetch`: only `http:` and `https:` URLs are fetched. */
  | "protocol-not-allowed"
  /** `httpFetch`: more redirects than `maxRedirects`. */
  | "too-many-redirects"
  /** `readFile`: the path leads outside `root` (`..`, an absolute path, or a symlink). */
  | "path-outside-root"
  /** `readFile`: the path is missing or is not a regular file. */
  | "not-a-file"
  /** `calculator`: the expression does not parse or has no finite value. */
  | "invalid-expression"
  /** `mcpTools`: the MCP server answered the call with `isError`. */
  | "mcp-tool-error";

/**
 * A built-in tool refused a call (a host off the allow-list, a path outside the root, an
 * expression that is not arithmetic) or its server reported an error. The model sees the
 * message as the tool's error result, so messages say what was wrong and what is allowed.
 */
export class ToolError extends BatonError {
  readonly [marker] = true;
  /** The tool's name: `http_fetch`, `read_file`, `calculator`, or the MCP tool's name. */
  readonly tool: string;
  override readonly code: ToolErrorCode;
  /** A refused call fails the same way every time. */
  readonly isRetryable = false;

  constructor(message: string, options: { tool: string; code: ToolErrorCode; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = name;
    this.tool = options.tool;
    this.code = options.code;
  }

  static override isInstance(error: unknown): error is ToolError {
    return BatonError.hasMarker(error, marker);
  }
}
