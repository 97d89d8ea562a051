import { OptionsError } from "../errors/options-error.js";

/** What `action` throws; fails the test when it throws nothing. */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

/** The `OptionsError` `action` throws; fails the test when it throws nothing or anything else. */
export function optionsErrorThrownBy(action: () => unknown): OptionsError {
  const error = thrownBy(action);
  if (!OptionsError.isInstance(error)) throw error;
  return error;
}
