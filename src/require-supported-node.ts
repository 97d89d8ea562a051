import { ConfigurationError } from "./core/errors/configuration-error.js";
import { unsupportedNodeMessage } from "./node-support.js";

/*
 * Imported first by every entry point: on a Node.js that Baton does not support, importing
 * Baton fails at once with one line naming the version needed and the version found,
 * rather than later with an error about a missing built-in or syntax.
 */
const unsupported = unsupportedNodeMessage();
if (unsupported) throw new ConfigurationError(unsupported);
