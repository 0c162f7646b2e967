import { type Random, seededRandom } from "../teams/split.ts";
import type { ShopperFacts } from "./features.ts";

/**
 * A generated population with a planted segment (issue 18's measurement): `npm run
 * eval:lookalike` and the integration test build a lookalike audience from seeds drawn out of
 * the planted segment and count how much of the audience is in it. Seeded, so a run is repeatable.
 *
 * Everyone has a taste: one to three favourite categories that most of their views and buys
 * fall in, a device they mostly shop on, a language, a buying habit. The planted segment
 * ("young parents on their phones") favour baby, toys and skincare, shop on phones, buy more
 * often and recently, spend in the middle; but a quarter of everyone else picks one of those
 * categories too, a tenth of the planted shoppers use a desktop, and every count is noisy, so
 * no single feature separates them.
 */

export const CATEGORIES = ["phones", "laptops", "beauty", "skincare", "baby", "toys", "shoes", "bags", "snacks", "home", "sports", "books"];
const PLANTED_TASTE = ["baby", "toys", "skincare"];

export interface Population {
  shoppers: ShopperFacts[];
  /** The planted segment's shopper ids. */
  planted: Set<string>;
  /** The seeds: drawn at random from the planted segment. */
  seeds: Set<string>;
}

export interface PopulationOptions {
  shoppers?: number;
  planted?: number;
  seeds?: number;
  /** The RNG's seed. */
  seed?: number;
  /** Shopper ids are `<prefix><n>`: a test's own, in a shared Postgres. */
  idPrefix?: string;
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const between = (random: Random, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Counts of `n` draws from the categories, `focus` share of them among `favourites`. */
function draws(random: Random, n: number, favourites: readonly string[], focus: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const category = random() < focus ? pick(random, favourites) : pick(random, CATEGORIES);
    counts[category] = (counts[category] ?? 0) + 1;
  }
  return counts;
}

function shopper(random: Random, shopperId: string, planted: boolean): ShopperFacts {
  const favourites = planted
    ? shuffled(random, PLANTED_TASTE).slice(0, between(random, 2, 3))
    : shuffled(random, CATEGORIES).slice(0, between(random, 1, 3));
  const focus = planted ? 0.55 + random() * 0.3 : 0.4 + random() * 0.45;
  const viewCount = between(random, 3, planted ? 50 : 60);
  const orders = planted ? between(random, 1, 6) : random() < 0.55 ? between(random, 0, 4) : 0;
  const units = orders + (orders > 0 ? between(random, 0, orders) : 0);
  const device = planted
    ? random() < 0.9
      ? "phone"
      : "desktop"
    : pick(random, ["phone", "phone", "phone", "desktop", "desktop", "tablet"] as const);
  const events = viewCount + orders * 3;
  const main = Math.round(events * (0.65 + random() * 0.3));
  const devices = { phone: 0, tablet: 0, desktop: 0 };
  devices[device] += main;
  devices[pick(random, ["phone", "tablet", "desktop"] as const)] += events - main;
  const zh = planted ? random() < 0.85 : random() < 0.7;
  const zhEvents = zh ? Math.round(events * (0.8 + random() * 0.2)) : Math.round(events * random() * 0.2);
  const perOrderFen = planted ? between(random, 8_000, 40_000) : between(random, 2_000, 120_000);
  const recencyDays = orders === 0 ? null : planted ? between(random, 0, 60) : between(random, 0, 365);
  const r = recencyDays === null ? null : recencyDays < 30 ? 5 : recencyDays < 90 ? 4 : recencyDays < 180 ? 3 : recencyDays < 270 ? 2 : 1;
  return {
    shopperId,
    views: draws(random, viewCount, favourites, focus),
    purchases: draws(random, units, favourites, focus),
    orders,
    spentFen: orders * perOrderFen,
    recencyDays,
    devices,
    locales: { zh: zhEvents, en: events - zhEvents },
    rfm: r === null ? null : { r, f: Math.min(5, orders), m: Math.min(5, 1 + Math.floor((orders * perOrderFen) / 50_000)) },
  };
}

/** The population: 10,000 shoppers, 1,000 planted, 200 seeds unless told otherwise. */
export function generatePopulation(options: PopulationOptions = {}): Population {
  const total = options.shoppers ?? 10_000;
  const plantedCount = options.planted ?? 1_000;
  const seedCount = options.seeds ?? 200;
  const random = seededRandom(options.seed ?? 18);
  const prefix = options.idPrefix ?? "shp_pop";
  const ids = Array.from({ length: total }, (_, i) => `${prefix}${String(i + 1).padStart(5, "0")}`);
  const planted = new Set(shuffled(random, ids).slice(0, plantedCount));
  const seeds = new Set(shuffled(random, [...planted]).slice(0, seedCount));
  return { shoppers: ids.map((id) => shopper(random, id, planted.has(id))), planted, seeds };
}

/** The fraction of `members` in `segment` (0 for an empty audience). */
export function precisionOf(members: readonly { shopperId: string }[], segment: ReadonlySet<string>): number {
  if (members.length === 0) return 0;
  return members.filter((m) => segment.has(m.shopperId)).length / members.length;
}
