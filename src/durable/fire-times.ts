import { Cron } from "croner";
import type { ScheduleTrigger } from "../core/ports/schedule-store.js";

const crons = new Map<string, Cron>();

/** A paused croner job for the expression and zone (only its date arithmetic is used). */
export function cronOf(expression: string, timezone: string | undefined): Cron {
  const key = `${timezone ?? ""}\u0000${expression}`;
  let cron = crons.get(key);
  if (!cron) {
    cron = new Cron(expression, { paused: true, ...(timezone !== undefined ? { timezone } : {}) });
    if (crons.size > 1000) crons.clear();
    crons.set(key, cron);
  }
  return cron;
}

/**
 * The first slot strictly after `after`, for a trigger whose current slot is `anchor`
 * (`every` keeps its slots on a grid from the anchor); `undefined` when none is left.
 */
export function nextSlotAfter(
  trigger: ScheduleTrigger,
  timezone: string | undefined,
  anchor: number | undefined,
  after: number,
): number | undefined {
  switch (trigger.kind) {
    case "once":
      return trigger.at > after ? trigger.at : undefined;
    case "every": {
      const start = anchor ?? after + trigger.everyMs;
      if (start > after) return start;
      return start + (Math.floor((after - start) / trigger.everyMs) + 1) * trigger.everyMs;
    }
    case "cron":
      return cronOf(trigger.expression, timezone).nextRun(new Date(after))?.getTime();
  }
}

/** The next `count` slots from `first` on (first included). */
export function upcomingSlots(
  trigger: ScheduleTrigger,
  timezone: string | undefined,
  first: number | undefined,
  count: number,
): number[] {
  const slots: number[] = [];
  let slot = first;
  while (slot !== undefined && slots.length < count) {
    slots.push(slot);
    slot = nextSlotAfter(trigger, timezone, slot, slot);
  }
  return slots;
}
