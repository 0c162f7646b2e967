import type { ShopperEvent } from "./event.ts";
import { eventMessageSchema } from "./event-message.ts";
import { addDrops, type DropCounts, screenStoredEvent } from "./screening.ts";

/** A queue message as the consumer reads it: its good events and its drops, or a poison message. */
export type MessageReading = { events: ShopperEvent[]; dropped: DropCounts } | { poison: string };

/**
 * Reads one message of the `shopper-events` queue. Bad events inside a good envelope are
 * dropped and counted (never a failure of the message); an envelope that is not one at all
 * is poison: retried, then dead-lettered by the queue, and kept for a person to look at.
 */
export function readEventMessage(body: unknown, now: number): MessageReading {
  const envelope = eventMessageSchema.safeParse(body);
  if (!envelope.success)
    return { poison: envelope.error.issues.map((issue) => `${issue.path.join(".") || "message"}: ${issue.message}`).join("; ") };
  const events: ShopperEvent[] = [];
  const dropped = addDrops({}, envelope.data.dropped);
  for (const raw of envelope.data.events) {
    const verdict = screenStoredEvent(raw, now);
    if ("reason" in verdict) dropped[verdict.reason] = (dropped[verdict.reason] ?? 0) + 1;
    else events.push(verdict.event);
  }
  return { events, dropped };
}
