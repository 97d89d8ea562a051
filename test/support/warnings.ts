/**
 * Warnings raised while tests run (process warnings, which include the AI SDK's), kept
 * instead of printed. `test/setup/capture-warnings.ts` installs the capture for every test
 * file and fails a test that leaves a warning nobody took; a test that expects a warning
 * takes it with `takeWarnings` and asserts on it.
 */
export interface CapturedWarning {
  /** `BatonPriceWarning`, `Warning`, `DeprecationWarning`, ... */
  type: string;
  message: string;
}

const captured: CapturedWarning[] = [];

/**
 * The price warning of a test double (`mock:*` models; the fake OpenAI-compatible server
 * under the provider names tests give it), which has no price by design.
 */
const TEST_DOUBLE_PRICE =
  /^No price is known for model "(mock|test|fake|local|openai-compatible):[^"]*"/;

/** Records a warning, unless it is the expected price warning of a test double. */
export function recordWarning(warning: CapturedWarning): void {
  if (warning.type === "BatonPriceWarning" && TEST_DOUBLE_PRICE.test(warning.message)) return;
  captured.push(warning);
}

/**
 * Removes and returns the warnings captured so far (only those of `type` when given), so
 * that the test can assert on them and they do not fail it.
 */
export function takeWarnings(type?: string): CapturedWarning[] {
  const taken = captured.filter((warning) => type === undefined || warning.type === type);
  const left = captured.filter((warning) => !taken.includes(warning));
  captured.splice(0, captured.length, ...left);
  return taken;
}

/** An error naming the warnings nobody took (and dropping them), or undefined when none are left. */
export function leftoverWarnings(where: string): Error | undefined {
  const left = takeWarnings();
  if (left.length === 0) return undefined;
  return new Error(
    `${where} raised ${left.length} warning(s) it did not take with takeWarnings():\n${left
      .map((warning) => `  ${warning.type}: ${warning.message}`)
      .join("\n")}`,
  );
}
