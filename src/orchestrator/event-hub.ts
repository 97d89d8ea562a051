import { BATON_EVENT_TYPES } from "../events/index.js";
import type { BatonEvent, BatonEventType } from "../index.js";
import type { Task } from "./task.js";

/** Events about tasks given to `submit()`. */
export interface TaskEvent {
  type: "task-start" | "task-end" | "task-error";
  at: number;
  task: Task;
}

/** An event `orchestrator.emit()` sent. */
export interface OrchestratorCustomEvent {
  type: `custom:${string}`;
  at: number;
  data?: unknown;
}

/** Everything `on()` can listen to. */
export type OrchestratorEvent = BatonEvent | TaskEvent | OrchestratorCustomEvent;

/** `on()` takes an event type, or `"*"` for every event. */
export type OrchestratorEventType = BatonEventType | TaskEvent["type"] | `custom:${string}` | "*";

const TASK_EVENT_TYPES = ["task-start", "task-end", "task-error"] as const;
const KNOWN_TYPES = new Set<string>([...BATON_EVENT_TYPES, ...TASK_EVENT_TYPES, "*"]);

export type OrchestratorEventHandler = (event: OrchestratorEvent) => void;

/**
 * Handlers by event type (internal). A handler that throws does not stop the others or the
 * run: its error becomes a process warning.
 */
export class EventHub {
  readonly #handlers = new Map<string, Set<OrchestratorEventHandler>>();

  on(type: OrchestratorEventType, handler: OrchestratorEventHandler): () => void {
    if (typeof type !== "string" || !(KNOWN_TYPES.has(type) || /^custom:.+/.test(type))) {
      throw new TypeError(
        `on: expected a known event type, "custom:<name>" or "*", received ${JSON.stringify(type)}; known types: ${[...KNOWN_TYPES].join(", ")}`,
      );
    }
    if (typeof handler !== "function") {
      throw new TypeError(`on: expected a handler function, received ${typeof handler}`);
    }
    let handlers = this.#handlers.get(type);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(type, handlers);
    }
    // A wrapper per subscription, so the same function can be added twice and removed once.
    const entry: OrchestratorEventHandler = (event) => handler(event);
    handlers.add(entry);
    return () => {
      handlers.delete(entry);
    };
  }

  dispatch(event: OrchestratorEvent): void {
    for (const key of [event.type, "*"]) {
      for (const handler of this.#handlers.get(key) ?? []) {
        try {
          handler(event);
        } catch (error) {
          process.emitWarning(
            `An orchestrator event handler for "${key}" threw: ${error instanceof Error ? error.message : String(error)}`,
            { type: "BatonHandlerWarning" },
          );
        }
      }
    }
  }
}
