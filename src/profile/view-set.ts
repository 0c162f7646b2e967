import type { ShopperEvent } from "../events/event.ts";
import { CONSUMER_FUTURE_TOLERANCE_MS } from "../events/screening.ts";
import { type ProductView, VIEW_WINDOW_MS, type ViewWindow, viewWindow } from "./view-window.ts";

/**
 * How a shopper's 30-minute view window (./view-window.ts) is kept in Upstash Redis (issue 13):
 * one sorted set per shopper, `profile:{<shopperId>}:views`, whose members are `<sku>|<category>`
 * and whose scores are the view's time (epoch ms, server time). Pure: the commands to send and
 * the reading of what comes back; ./view-window-store.ts sends them.
 *
 * - A repeat view refreshes: `ZADD GT` moves the member's score to the later time and never
 *   adds a second one, and a late, older view (queues deliver out of order) never moves a
 *   newer score backwards.
 * - The category rides in the member, not in a hash beside the set: a hash written by a late
 *   view would overwrite the newer view's category, and its fields would outlive the views
 *   they belong to. A SKU whose category changed between two views has two members until the
 *   older ages out; reading keeps the SKU once, at its latest view (viewWindow), so the count
 *   and the latest category are exactly those of `viewWindow` over the views sent.
 * - Each update trims what has left the window (a view exactly 30 minutes old is out), keeps
 *   at most MAX_KEPT_VIEWS members, and sets the key to expire PROFILE_TTL_MS after the last
 *   update, so an idle shopper's set vanishes on its own.
 */

/** The sorted set of a shopper's recent views. The braces are a hash tag: a shopper's keys stay on one shard. */
export function viewsKey(shopperId: string): string {
  return `profile:{${shopperId}}:views`;
}

/**
 * How long a shopper's set outlives their last update: the window, plus how far ahead of the
 * consumer's clock a view may be dated (CONSUMER_FUTURE_TOLERANCE_MS), so that no view still in
 * the window expires early.
 */
export const PROFILE_TTL_MS = VIEW_WINDOW_MS + CONSUMER_FUTURE_TOLERANCE_MS;

/**
 * The most members kept per shopper: the newest. The events beacon admits 60 beacons of 50
 * events a minute per shopper, so a crawler could otherwise grow one set without bound; a person
 * does not look at 500 products in 30 minutes. Beyond it the window counts the newest 500.
 */
export const MAX_KEPT_VIEWS = 500;

/** Between the SKU and the category in a member: SKUs (src/events/event.ts) never contain it. */
const SEPARATOR = "|";

export function viewMember(view: Pick<ProductView, "sku" | "category">): string {
  return `${view.sku}${SEPARATOR}${view.category}`;
}

/** The SKU and category of a member; null for one this code did not write. */
export function readMember(member: string): Pick<ProductView, "sku" | "category"> | null {
  const at = member.indexOf(SEPARATOR);
  if (at <= 0) return null;
  return { sku: member.slice(0, at), category: member.slice(at + 1) };
}

/** One shopper's update: the members to `ZADD GT`, and what to trim. */
export interface ViewSetUpdate {
  key: string;
  /** Each member once, at its latest time in the batch. */
  members: Array<{ score: number; member: string }>;
  /** `ZREMRANGEBYSCORE key -inf trimThrough`: the views out of the window at the consumer's `now`. */
  trimThrough: number;
}

/**
 * The updates a batch of stored events makes: its product views, grouped by shopper, each
 * member once at its latest time. Views already out of the window at `now` are left out (the
 * trim would take them straight away). Other events change no window.
 */
export function viewSetUpdates(events: readonly ShopperEvent[], now: number): ViewSetUpdate[] {
  const trimThrough = now - VIEW_WINDOW_MS;
  const byShopper = new Map<string, Map<string, number>>();
  for (const event of events) {
    if (event.type !== "product_view" || event.at <= trimThrough) continue;
    const members = byShopper.get(event.shopperId) ?? new Map<string, number>();
    byShopper.set(event.shopperId, members);
    const member = viewMember(event);
    members.set(member, Math.max(event.at, members.get(member) ?? Number.NEGATIVE_INFINITY));
  }
  return [...byShopper].map(([shopperId, members]) => ({
    key: viewsKey(shopperId),
    members: [...members].map(([member, score]) => ({ score, member })),
    trimThrough,
  }));
}

/** The score range of the window at `now`, (now − 30 min, now], as ZRANGE … BYSCORE takes it: the lower end open. */
export function windowRange(now: number): { min: `(${number}`; max: number } {
  return { min: `(${now - VIEW_WINDOW_MS}`, max: now };
}

/**
 * The window at `now` from the members and scores ZRANGE … WITHSCORES answered (flat:
 * member, score, member, score…), through `viewWindow` itself, so the two cannot disagree.
 */
export function windowOfRange(flat: readonly unknown[], now: number): ViewWindow {
  const views: ProductView[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const read = readMember(String(flat[i]));
    const at = Number(flat[i + 1]);
    if (read && Number.isFinite(at)) views.push({ ...read, at });
  }
  return viewWindow(views, now);
}
