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
