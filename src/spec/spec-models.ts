import type { LanguageModelV4 } from "@ai-sdk/provider";
import { BatonError } from "../core/errors/baton-error.js";
import type { PathSegment } from "../core/options/option-path.js";
import type { Clock } from "../core/ports/clock.js";
import type { PriceTable } from "../models/pricing.js";
import { type ResolveModelOptions, resolveModel } from "../models/resolve-model.js";
import type { RawIssue } from "./check-spec.js";
import type { Spec } from "./spec-schema.js";

/** Turns a spec's model strings into models, applying its `providers` settings (internal). */
export interface SpecModels {
  /** The model for `name`, or `undefined` after recording an issue at `path`. */
  resolve(name: string, path: PathSegment[]): LanguageModelV4 | undefined;
  /** Prices from `providers.<name>.prices`, by the ids models report (`local:qwen2.5`). */
  prices: PriceTable;
  issues: RawIssue[];
}

/**
 * A model string `<provider>:<model-id>` is resolved as usual unless `providers.<provider>`
 * configures it. Then its `type` says which API it speaks, `baseURL`, `headers` and the key
 * in `apiKeyEnv` are applied, and the model keeps reporting itself as `<provider>:<model-id>`
 * (so limits, prices, events and statistics use the name the spec author wrote).
 */
export function specModels(
  spec: Pick<Spec, "providers">,
  { env, clock }: { env: Record<string, string | undefined>; clock: Clock | undefined },
): SpecModels {
  const cache = new Map<string, LanguageModelV4 | BatonError | TypeError>();
  const issues: RawIssue[] = [];
  const prices: PriceTable = {};

  for (const [provider, settings] of Object.entries(spec.providers ?? {})) {
    for (const [modelId, price] of Object.entries(settings.prices ?? {})) {
      prices[`${provider}:${modelId}`] = price;
    }
  }

  const create = (name: string): LanguageModelV4 => {
    const separator = name.indexOf(":");
    const provider = name.slice(0, separator);
    const modelId = name.slice(separator + 1);
    const settings = spec.providers?.[provider];
    const options: ResolveModelOptions = { env, ...(clock ? { clock } : {}) };
    if (!settings) return resolveModel(name, options).model;
    if (settings.apiKeyEnv !== undefined) {
      const key = env[settings.apiKeyEnv];
      if (!key) {
        throw new BatonError(
          `providers.${provider}.apiKeyEnv names ${settings.apiKeyEnv}, which is not set in the environment`,
        );
      }
      options.apiKey = key;
    }
    if (settings.baseURL !== undefined) options.baseURL = settings.baseURL;
    if (settings.headers !== undefined) options.headers = settings.headers;
    const type = settings.type ?? provider;
    const model = resolveModel(`${type}:${modelId}`, options).model;
    return type === provider ? model : renamed(model, provider);
  };

  return {
    prices,
    issues,
    resolve(name, path) {
      let model = cache.get(name);
      if (model === undefined) {
        try {
          model = create(name);
        } catch (error) {
          if (!BatonError.isInstance(error) && !(error instanceof TypeError)) throw error;
          model = error;
        }
        cache.set(name, model);
      }
      if (model instanceof Error) {
        issues.push({ path, message: model.message });
        return undefined;
      }
      return model;
    },
  };
}

/** The same model, reporting `provider` as its provider name. */
function renamed(model: LanguageModelV4, provider: string): LanguageModelV4 {
  return new Proxy(model, {
    get(target, key) {
      if (key === "provider") return provider;
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
