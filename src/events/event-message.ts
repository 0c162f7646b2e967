import { z } from "zod";
import type { ShopperEvent } from "./event.ts";
import { DROP_REASONS, type DropCounts } from "./screening.ts";

/**
 * One message on the `shopper-events` queue: one beacon's screened events, or the server's,
 * and what the edge dropped from it (counted by the consumer, in one place). One message per
 * beacon, not per event: a queue charges by message, and a beacon is at most 50 events.
 */
export interface EventMessage {
  v: 1;
  events: ShopperEvent[];
  dropped: DropCounts;
}

/**
 * The consumer's reading of a message. The envelope must be right (else the whole message is
 * a poison message, retried and then dead-lettered); each event is screened on its own.
 */
export const eventMessageSchema = z
  .object({
    v: z.literal(1),
    events: z.array(z.unknown()).max(100),
    dropped: z.partialRecord(z.enum(DROP_REASONS), z.number().int().nonnegative()).default({}),
  })
  .strict();

export function eventMessage(events: ShopperEvent[], dropped: DropCounts = {}): EventMessage {
  return { v: 1, events, dropped };
}

/** The queue binding as this module uses it (the Node-side typecheck knows no workerd `Queue`). */
export interface EventQueue {
  send(message: EventMessage, options: { contentType: "json" }): Promise<unknown>;
}

/**
 * Puts events on the `shopper-events` queue (issue 13; workers/events/ consumes it): from a
 * route or from an object (a team that failed, issue 17). Throws when the queue refuses, so the
 * caller can answer 503 or try again.
 */
export async function queueEvents(queue: EventQueue, events: ShopperEvent[], dropped: DropCounts = {}): Promise<void> {
  await queue.send(eventMessage(events, dropped), { contentType: "json" });
}
