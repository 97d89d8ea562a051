import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { LanguageModel } from "ai";
import { ConfigurationError } from "../core/errors/configuration-error.js";
import type { Clock } from "../core/ports/clock.js";
import { isSecretKey, Redactor, rememberSecretValues } from "../core/run/redact-secrets.js";
import { functionModel, type ModelFunction } from "./function-model.js";
import { lazyModel } from "./lazy-model.js";
import { redactingModel } from "./redacting-model.js";
import { simulatedModel } from "./simulated-model.js";

/**
 * What a user may give wherever Baton takes a model:
 * - an AI SDK model object (`openai.chat("gpt-4o-mini")`),
 * - a string `"provider:model-id"` (see {@link KNOWN_PROVIDERS}),
 * - a plain async function `(messages, { signal }) => string`.
 */
export type ModelInput = LanguageModel | string | ModelFunction;

/** A model ready to call, with the names Baton reports it under. */
export interface ResolvedModel {
  /** `"provider:model-id"`, e.g. `"openai:gpt-4o-mini"`. Used in events, usage and prices. */
  id: string;
  provider: string;
  modelId: string;
  /** The model to call: the object given, or for an AI SDK v2/v3 model, its v4 adapter. */
  model: LanguageModelV4;
  /**
   * The secret values Baton gave the model: its API key (from `apiKey` or the
   * environment) and the values of secret-named `headers` (`Authorization`, `X-Api-Key`),
   * 8 characters or longer. The model removes them from every error it throws, and every
   * run in the process redacts them from its log by value, whatever their shape. Empty
   * for a model object or function you made (Baton never sees its key).
   */
  secrets: readonly string[];
}

export interface ResolveModelOptions {
  /**
   * Where API keys and base URLs are read from.
   * @default process.env
   */
  env?: Record<string, string | undefined>;
  /** Overrides the provider's base URL (required for `openai-compatible:` unless set in env). */
  baseURL?: string;
  /** Overrides the API key read from `env`. Redacted by value from errors and run logs. */
  apiKey?: string;
  /**
   * Extra HTTP headers sent with every request. Values of secret-named headers
   * (`Authorization`, `X-Api-Key`, ...) are redacted by value like the API key.
   */
  headers?: Record<string, string>;
  /** A custom fetch (proxies, recording). @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * The clock `simulated:` models wait their latency on.
   * @default systemClock
   */
  clock?: Clock;
}

interface ProviderEntry {
  /** The environment variable holding the key; `undefined` when no key is needed. */
  keyVariable?: string;
  /** Whether a missing key is an error. */
  keyRequired: boolean;
  /**
   * Checks the settings and returns the model. HTTP providers return a {@link lazyModel}:
   * their package is imported on the model's first call, not when Baton is imported.
   */
  create(modelId: string, settings: ProviderSettings): LanguageModelV4;
}

interface ProviderSettings {
  apiKey: string | undefined;
  options: ResolveModelOptions;
  env: Record<string, string | undefined>;
  id: string;
}

const httpOptions = ({ options }: ProviderSettings) => ({
  ...(options.baseURL ? { baseURL: options.baseURL } : {}),
  ...(options.headers ? { headers: options.headers } : {}),
  ...(options.fetch ? { fetch: options.fetch } : {}),
});

/** A Chat Completions model of an OpenAI-compatible server, named `<name>.chat`. */
function openAICompatibleModel(
  name: string,
  modelId: string,
  settings: ReturnType<typeof httpOptions> & { baseURL: string; apiKey?: string },
): LanguageModelV4 {
  return lazyModel({
    provider: `${name}.chat`,
    modelId,
    load: async () => {
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      // Structured output as `response_format: json_schema`, which vLLM, Ollama, LM Studio
      // and llama.cpp's server accept; without it the schema would be dropped with a warning.
      return createOpenAICompatible({
        name,
        ...settings,
        includeUsage: true,
        supportsStructuredOutputs: true,
      }).chatModel(modelId);
    },
  });
}

const providers: Record<string, ProviderEntry> = {
  openai: {
    keyVariable: "OPENAI_API_KEY",
    keyRequired: true,
    create: (modelId, settings) => {
      const config = { apiKey: settings.apiKey, ...httpOptions(settings) };
      return lazyModel({
        provider: "openai.chat",
        modelId,
        load: async () => {
          const { createOpenAI } = await import("@ai-sdk/openai");
          // `.chat` is Chat Completions; the bare provider call would use the Responses API.
          return createOpenAI(config).chat(modelId);
        },
      });
    },
  },
  anthropic: {
    keyVariable: "ANTHROPIC_API_KEY",
    keyRequired: true,
    create: (modelId, settings) => {
      const config = { apiKey: settings.apiKey, ...httpOptions(settings) };
      return lazyModel({
        provider: "anthropic.messages",
        modelId,
        load: async () => {
          const { createAnthropic } = await import("@ai-sdk/anthropic");
          return createAnthropic(config).languageModel(modelId);
        },
      });
    },
  },
  google: {
    keyVariable: "GOOGLE_GENERATIVE_AI_API_KEY",
    keyRequired: true,
    create: (modelId, settings) => {
      const config = { apiKey: settings.apiKey, ...httpOptions(settings) };
      return lazyModel({
        provider: "google.generative-ai",
        modelId,
        load: async () => {
          const { createGoogleGenerativeAI } = await import("@ai-sdk/google");
          return createGoogleGenerativeAI(config).languageModel(modelId);
        },
      });
    },
  },
  ollama: {
    keyRequired: false,
    create: (modelId, settings) => {
      const baseURL =
        settings.options.baseURL ?? settings.env.OLLAMA_BASE_URL ?? "http://127.0.0.1:11434/v1";
      return openAICompatibleModel("ollama", modelId, { ...httpOptions(settings), baseURL });
    },
  },
  "openai-compatible": {
    keyVariable: "OPENAI_COMPATIBLE_API_KEY",
    keyRequired: false,
    create: (modelId, settings) => {
      const baseURL = settings.options.baseURL ?? settings.env.OPENAI_COMPATIBLE_BASE_URL;
      if (!baseURL)
        throw new ConfigurationError(
          `${settings.id} needs a base URL: pass { baseURL } or set OPENAI_COMPATIBLE_BASE_URL`,
        );
      return openAICompatibleModel("openai-compatible", modelId, {
        ...httpOptions(settings),
        baseURL,
        ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
      });
    },
  },
  simulated: {
    keyRequired: false,
    create: (modelId, settings) => {
      const [name = "", query = ""] = modelId.split("?", 2);
      const parameters = new URLSearchParams(query);
      for (const key of parameters.keys())
        if (key !== "latency" && key !== "seed")
          throw new ConfigurationError(
            `${settings.id}: unknown parameter "${key}" (simulated models take latency and seed)`,
          );
      const latency = parameters.get("latency");
      const seed = parameters.get("seed");
      const latencyMs = latency === null ? 0 : Number(latency);
      if (!Number.isFinite(latencyMs) || latencyMs < 0)
        throw new ConfigurationError(
          `${settings.id}: latency must be a number of milliseconds >= 0`,
        );
      if (seed !== null && !Number.isInteger(Number(seed)))
        throw new ConfigurationError(`${settings.id}: seed must be an integer`);
      return simulatedModel({
        name: name || "default",
        latencyMs,
        ...(seed !== null ? { seed: Number(seed) } : {}),
        ...(settings.options.clock ? { clock: settings.options.clock } : {}),
      });
    },
  },
};

/** The providers a model string may name. */
export const KNOWN_PROVIDERS: readonly string[] = Object.freeze(Object.keys(providers));

/**
 * Turns whatever the user gave as a model into an AI SDK model plus the id Baton reports.
 * Keys are checked here, so a missing key fails before any work starts.
 *
 * Model strings are `provider:model-id`:
 * - `openai:gpt-4o-mini` (Chat Completions; key `OPENAI_API_KEY`)
 * - `anthropic:claude-sonnet-4-5` (`ANTHROPIC_API_KEY`)
 * - `google:gemini-2.5-flash` (`GOOGLE_GENERATIVE_AI_API_KEY`)
 * - `ollama:llama3.2` (no key; `OLLAMA_BASE_URL`, default `http://127.0.0.1:11434/v1`)
 * - `openai-compatible:my-model` (base URL from `options.baseURL` or `OPENAI_COMPATIBLE_BASE_URL`,
 *   optional key `OPENAI_COMPATIBLE_API_KEY`)
 * - `simulated:researcher` (offline, deterministic; `simulated:researcher?latency=200&seed=7`
 *   waits 200 ms per call and varies the answers by seed)
 *
 * @throws ConfigurationError for a missing key, an unknown provider or a malformed string.
 * @throws TypeError when `input` is neither a string, a model object nor a function.
 */
export function resolveModel(input: ModelInput, options: ResolveModelOptions = {}): ResolvedModel {
  if (typeof input === "string") return resolveModelString(input, options);
  if (typeof input === "function") {
    const model = functionModel(input);
    return {
      id: `${model.provider}:${model.modelId}`,
      provider: model.provider,
      modelId: model.modelId,
      model,
      secrets: [],
    };
  }
  if (isLanguageModel(input)) {
    const provider = normaliseProvider(input.provider);
    // v2/v3 objects get the AI SDK's own v4 adapter, so callers can rely on the v4 interface;
    // it is loaded on the first call, with the rest of the AI SDK.
    const model =
      input.specificationVersion === "v4"
        ? (input as LanguageModelV4)
        : lazyModel({
            provider: input.provider,
            modelId: input.modelId,
            load: async () => {
              const { resolveLanguageModel } = await import("ai/internal");
              return resolveLanguageModel(input as LanguageModel);
            },
          });
    // The provider reads its own key (from the environment unless it was given one): keep
    // that value out of run logs too. The object is used as given, so its errors are not
    // scrubbed; keys of the usual shapes are still redacted by pattern.
    const keyVariable = Object.hasOwn(providers, provider)
      ? providers[provider]?.keyVariable
      : undefined;
    if (keyVariable) rememberSecretValues([process.env[keyVariable]]);
    return {
      id: `${provider}:${input.modelId}`,
      provider,
      modelId: input.modelId,
      model,
      secrets: [],
    };
  }
  const version = (input as { specificationVersion?: unknown } | null)?.specificationVersion;
  if (version !== undefined)
    throw new TypeError(
      `resolveModel: expected "input" to be a language model with specificationVersion "v4", "v3" or "v2" and doGenerate/doStream, received specificationVersion "${String(version)}"`,
    );
  throw new TypeError(
    `resolveModel: expected "input" to be a "provider:model-id" string, an AI SDK language model or an async function, received ${describe(input)}`,
  );
}

function resolveModelString(input: string, options: ResolveModelOptions): ResolvedModel {
  const separator = input.indexOf(":");
  const known = KNOWN_PROVIDERS.join(", ");
  if (separator <= 0 || separator === input.length - 1)
    throw new ConfigurationError(
      `Model "${input}" is not of the form "provider:model-id" (known providers: ${known})`,
    );
  const provider = input.slice(0, separator).trim();
  const modelId = input.slice(separator + 1).trim();
  const entry = Object.hasOwn(providers, provider) ? providers[provider] : undefined;
  if (!entry)
    throw new ConfigurationError(
      `Model "${input}" names an unknown provider "${provider}" (known providers: ${known})`,
    );
  const env = options.env ?? process.env;
  const apiKey = options.apiKey ?? (entry.keyVariable ? env[entry.keyVariable] : undefined);
  if (entry.keyRequired && !apiKey)
    throw new ConfigurationError(`${input} needs an API key: set ${entry.keyVariable}`);
  const redactor = new Redactor([apiKey, ...secretHeaderValues(options.headers)]);
  rememberSecretValues(redactor.values);
  const created = entry.create(modelId, { apiKey: apiKey || undefined, options, env, id: input });
  const model = redactor.values.length > 0 ? redactingModel(created, redactor) : created;
  const shownId = provider === "simulated" ? model.modelId : modelId;
  return {
    id: `${provider}:${shownId}`,
    provider,
    modelId: shownId,
    model,
    secrets: redactor.values,
  };
}

/** The credentials in headers named like secrets, without a scheme (`Bearer <token>` gives the token). */
function secretHeaderValues(headers: Record<string, string> | undefined): string[] {
  if (headers === undefined) return [];
  return Object.entries(headers)
    .filter(([name, value]) => typeof value === "string" && isSecretKey(name))
    .map(([, value]) => value.replace(/^(?:Bearer|Basic|Token)\s+/i, ""));
}

function isLanguageModel(
  value: unknown,
): value is { specificationVersion: string; provider: string; modelId: string } {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<LanguageModelV4> & { specificationVersion?: unknown };
  return (
    ["v4", "v3", "v2"].includes(String(candidate.specificationVersion)) &&
    typeof candidate.provider === "string" &&
    typeof candidate.modelId === "string" &&
    typeof candidate.doGenerate === "function" &&
    typeof candidate.doStream === "function"
  );
}

/** `"openai.chat"` -> `"openai"`, `"google.generative-ai"` -> `"google"`. */
export function normaliseProvider(provider: string): string {
  const head = provider.split(".")[0] ?? provider;
  return head.length > 0 ? head : provider;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object without doGenerate/doStream" : typeof value;
}
