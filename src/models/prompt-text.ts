import type { LanguageModelV4Prompt, LanguageModelV4ToolResultOutput } from "@ai-sdk/provider";

/** Helpers that read a provider-level prompt as plain text (internal). */

export interface ToolResultText {
  toolName: string;
  text: string;
}

export function toolOutputText(output: LanguageModelV4ToolResultOutput): string {
  switch (output.type) {
    case "text":
    case "error-text":
      return output.value;
    case "json":
    case "error-json":
      return JSON.stringify(output.value);
    case "execution-denied":
      return `(denied${output.reason ? `: ${output.reason}` : ""})`;
    case "content":
      return output.value
        .map((part) => (part.type === "text" ? part.text : `[${part.type}]`))
        .join(" ");
  }
}

/** Every piece of text in the prompt, in order: what a tokenizer would see. */
export function promptText(prompt: LanguageModelV4Prompt): string {
  const lines: string[] = [];
  for (const message of prompt) {
    if (message.role === "system") {
      lines.push(`system: ${message.content}`);
      continue;
    }
    for (const part of message.content) {
      if (part.type === "text" || part.type === "reasoning")
        lines.push(`${message.role}: ${part.text}`);
      else if (part.type === "tool-call")
        lines.push(`${message.role}: ${part.toolName}(${JSON.stringify(part.input)})`);
      else if (part.type === "tool-result")
        lines.push(`tool ${part.toolName}: ${toolOutputText(part.output)}`);
    }
  }
  return lines.join("\n");
}

/** The text of the last user message (empty when there is none). */
export function lastUserText(prompt: LanguageModelV4Prompt): string {
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index];
    if (message?.role !== "user") continue;
    return message.content
      .map((part) => (part.type === "text" ? part.text : ""))
      .join(" ")
      .trim();
  }
  return "";
}

/** The system prompt(s), joined. */
export function systemText(prompt: LanguageModelV4Prompt): string {
  return prompt
    .filter((message) => message.role === "system")
    .map((message) => message.content)
    .join("\n");
}

/** Tool results that arrived after the last user message: the current turn's results. */
export function currentTurnToolResults(prompt: LanguageModelV4Prompt): ToolResultText[] {
  const results: ToolResultText[] = [];
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index];
    if (!message || message.role === "user") break;
    if (message.role === "system") continue;
    for (const part of message.content) {
      if (part.type === "tool-result")
        results.unshift({ toolName: part.toolName, text: toolOutputText(part.output) });
    }
  }
  return results;
}
