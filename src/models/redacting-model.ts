import type { LanguageModelV4, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import type { Redactor } from "../core/run/redact-secrets.js";

/**
 * `model` with `redactor` applied to every error it throws or streams (internal). A
 * provider that refuses a key quotes it back (`Incorrect API key provided: <key>`, in the
 * message and the response body). Removed here, where the error is made, the key is in
 * nothing made from it: events, the store, the error a run or an agent rejects with, the
 * CLI's output. The error keeps its class and fields (status code, retryability).
 */
export function redactingModel(model: LanguageModelV4, redactor: Redactor): LanguageModelV4 {
  const scrub = (error: unknown): never => {
    throw redactor.error(error);
  };
  return {
    specificationVersion: "v4",
    provider: model.provider,
    modelId: model.modelId,
    get supportedUrls() {
      return model.supportedUrls;
    },
    doGenerate: async (callOptions) => {
      try {
        return await model.doGenerate(callOptions);
      } catch (error) {
        return scrub(error);
      }
    },
    doStream: async (callOptions) => {
      let result: Awaited<ReturnType<LanguageModelV4["doStream"]>>;
      try {
        result = await model.doStream(callOptions);
      } catch (error) {
        return scrub(error);
      }
      return { ...result, stream: redactedStream(result.stream, redactor) };
    },
  };
}

/** The stream's parts, with `error` parts and a failure of the stream itself redacted. */
function redactedStream(
  stream: ReadableStream<LanguageModelV4StreamPart>,
  redactor: Redactor,
): ReadableStream<LanguageModelV4StreamPart> {
  const reader = stream.getReader();
  return new ReadableStream<LanguageModelV4StreamPart>({
    async pull(controller) {
      let next: ReadableStreamReadResult<LanguageModelV4StreamPart>;
      try {
        next = await reader.read();
      } catch (error) {
        controller.error(redactor.error(error));
        return;
      }
      if (next.done) controller.close();
      else if (next.value.type !== "error") controller.enqueue(next.value);
      else controller.enqueue({ ...next.value, error: redactor.error(next.value.error) });
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
