import type { LanguageModelV4 } from "@ai-sdk/provider";
import { withPreload } from "./preload-model.js";

export interface LazyModelOptions {
  /** The provider name the loaded model reports (`"openai.chat"`). */
  provider: string;
  modelId: string;
  /** Loads the package behind the model and creates it; called once, on first use. */
  load(): Promise<LanguageModelV4>;
}

/**
 * A language model whose implementation is imported on its first call (internal), so that a
 * model string costs nothing until the model is used: provider packages take ~100 ms each
 * to import. Its name and id are known at once; `supportedUrls`, `doGenerate` and
 * `doStream` load the real model and hand over to it. A failed load is tried again on the
 * next call.
 */
export function lazyModel(options: LazyModelOptions): LanguageModelV4 {
  const { provider, modelId, load } = options;
  let loading: Promise<LanguageModelV4> | undefined;
  const model = (): Promise<LanguageModelV4> => {
    if (!loading) {
      const attempt = load();
      loading = attempt;
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };
  return withPreload(
    {
      specificationVersion: "v4",
      provider,
      modelId,
      get supportedUrls() {
        return model().then((loaded) => loaded.supportedUrls);
      },
      doGenerate: async (callOptions) => (await model()).doGenerate(callOptions),
      doStream: async (callOptions) => (await model()).doStream(callOptions),
    },
    model,
  );
}
