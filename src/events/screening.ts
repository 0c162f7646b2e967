import { z } from "zod";
import {
  BROWSER_TYPES,
  browserEventSchema,
  type DeviceClass,
  MAX_EVENT_BYTES,
  MAX_EVENTS_PER_BEACON,
  SERVER_TYPES,
  type ShopperEvent,
  shopperEventSchema,
} from "./event.ts";

/**
 * Why an event was dropped. Bad events never fail what carries them: each is dropped on its
 * own and counted by reason (Postgres `event_drops`, shown in the console).
 */
export const DROP_REASONS = ["unknown_type", "server_only", "invalid", "oversized", "future", "stale"] as const;
export type DropReason = (typeof DROP_REASONS)[number];
export type DropCounts = Partial<Record<DropReason, number>>;

/** How far after its beacon was sent an event may say it happened: clocks tick while a page batches. */
export const FUTURE_TOLERANCE_MS = 1_000;
/** The oldest event a beacon may carry (a page kept in the background for a day sends what it had). */
export const MAX_EVENT_AGE_MS = 24 * 60 * 60 * 1000;
/** How far ahead of the consumer's clock a stored event may be (the clocks of two machines). */
export const CONSUMER_FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** A beacon's body: the events and when the page sent them, both on the browser's clock. */
export const beaconSchema = z
  .object({
    sentAt: z.number().int().nonnegative(),
    events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_BEACON),
  })
  .strict();
export type Beacon = z.infer<typeof beaconSchema>;

/** What the server knows about the beacon's sender. */
export interface BeaconSender {
  shopperId: string;
  device: DeviceClass;
  /** Server time when the beacon arrived, epoch ms. */
  receivedAt: number;
}

export interface Screened {
  accepted: ShopperEvent[];
  dropped: DropCounts;
}

/**
 * A beacon's events, stamped and screened. Times move to the server's clock the way
 * Segment's API does it: the page says when each event happened and when it sent them, both
 * on its own clock; their difference is exact whatever that clock's error, so
 * `at = receivedAt − (sentAt − event.at)`. An event after its own sending is `future`; one more
 * than a day old is `stale`.
 */
export function screenBeacon(beacon: Beacon, sender: BeaconSender): Screened {
  const dropped: DropCounts = {};
  const accepted: ShopperEvent[] = [];
  for (const raw of beacon.events) {
    const verdict = screenBrowserEvent(raw, beacon.sentAt, sender);
    if ("reason" in verdict) dropped[verdict.reason] = (dropped[verdict.reason] ?? 0) + 1;
    else accepted.push(verdict.event);
  }
  return { accepted, dropped };
}

function screenBrowserEvent(raw: unknown, sentAt: number, sender: BeaconSender): { event: ShopperEvent } | { reason: DropReason } {
  if (serializedBytes(raw) > MAX_EVENT_BYTES) return { reason: "oversized" };
  const type = typeof raw === "object" && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if ((SERVER_TYPES as unknown[]).includes(type)) return { reason: "server_only" };
  if (!(BROWSER_TYPES as unknown[]).includes(type)) return { reason: "unknown_type" };
  const parsed = browserEventSchema.safeParse(raw);
  if (!parsed.success) return { reason: "invalid" };
  const event = parsed.data as { at: number };
  if (event.at > sentAt + FUTURE_TOLERANCE_MS) return { reason: "future" };
  const at = sender.receivedAt - Math.max(0, sentAt - event.at);
  if (at < sender.receivedAt - MAX_EVENT_AGE_MS) return { reason: "stale" };
  return { event: { ...parsed.data, at, shopperId: sender.shopperId, device: sender.device } as ShopperEvent };
}

/**
 * The consumer's check of a stored event (a queue message may come from any producer, or an
 * older one): the same model, the size, and not ahead of the consumer's clock.
 */
export function screenStoredEvent(raw: unknown, now: number): { event: ShopperEvent } | { reason: DropReason } {
  if (serializedBytes(raw) > MAX_EVENT_BYTES) return { reason: "oversized" };
  const type = typeof raw === "object" && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (![...BROWSER_TYPES, ...SERVER_TYPES].includes(type as never)) return { reason: "unknown_type" };
  const parsed = shopperEventSchema.safeParse(raw);
  if (!parsed.success) return { reason: "invalid" };
  const event = parsed.data as unknown as ShopperEvent;
  if (event.at > now + CONSUMER_FUTURE_TOLERANCE_MS) return { reason: "future" };
  return { event };
}

/** Adds one set of drop counts into another. */
export function addDrops(into: DropCounts, more: DropCounts): DropCounts {
  for (const reason of DROP_REASONS) {
    const count = more[reason];
    if (count) into[reason] = (into[reason] ?? 0) + count;
  }
  return into;
}

/** UTF-8 bytes of the value as JSON; anything that does not serialize counts as too big. */
function serializedBytes(value: unknown): number {
  try {
    return new TextEncoder().encode(JSON.stringify(value) ?? "").length;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
