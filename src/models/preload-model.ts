import type { LanguageModelV4 } from "@ai-sdk/provider";

const PRELOAD = Symbol.for("baton.model.preload");

/**
 * Marks `model` with what its first call would otherwise load (a provider package, a
 * tokenizer), so that {@link preloadModel} can load it before the call is timed (internal).
 */
export function withPreload<T extends LanguageModelV4>(model: T, preload: () => unknown): T {
  return Object.assign(model, { [PRELOAD]: preload });
}

/**
 * Loads what `model`'s first call would load, so that the call's duration is the model's
 * latency, not module loading. Models without such work resolve at once. Never rejects: a
 * load that fails is left to the call, which reports it as the call's error.
 */
export async function preloadModel(model: LanguageModelV4): Promise<void> {
  const preload = (model as { [PRELOAD]?: () => unknown })[PRELOAD];
  if (!preload) return;
  try {
    await preload();
  } catch {
    // The call loads it again and reports the failure.
  }
}
