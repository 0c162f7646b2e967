import { parseYuan } from "../../src/money.ts";
import type { SaleConfigInput } from "../../src/sales/sale-config.ts";
import { CliError } from "../cli/run.ts";

/** The flags that describe a sale, as `node:util` parseArgs reads them. */
export const SALE_FLAGS = {
  file: { type: "string", short: "f" },
  sku: { type: "string" },
  title: { type: "string" },
  description: { type: "string" },
  image: { type: "string", multiple: true },
  "list-price": { type: "string" },
  stock: { type: "string" },
  "starts-at": { type: "string" },
  "ends-at": { type: "string" },
  limit: { type: "string" },
  "hold-seconds": { type: "string" },
  shards: { type: "string" },
  tier: { type: "string", multiple: true },
  "no-tiers": { type: "boolean" },
  gift: { type: "string", multiple: true },
  "no-gifts": { type: "boolean" },
  paused: { type: "boolean" },
  "waiting-room": { type: "string" },
  "no-waiting-room": { type: "boolean" },
  "member-prices": { type: "boolean" },
  "no-member-prices": { type: "boolean" },
  "top-up": { type: "string" },
  extend: { type: "string" },
} as const;

export type SaleFlags = {
  [K in keyof typeof SALE_FLAGS]?: (typeof SALE_FLAGS)[K] extends { multiple: true }
    ? string[]
    : (typeof SALE_FLAGS)[K]["type"] extends "boolean"
      ? boolean
      : string;
};

type Draft = Partial<SaleConfigInput>;

/**
 * Applies the flags to a sale (a new one, or the current one for an update). Money flags
 * are yuan, as a marketer thinks of prices, and become fen; times take ISO 8601, epoch
 * milliseconds, `now` or `+2h`-style offsets from now. What the flags cannot express is
 * left to the API, which checks everything and lists every problem.
 */
export function applySaleFlags(sale: Draft, flags: SaleFlags, now: number): Draft {
  const next: Draft = { ...sale };
  if (flags.sku !== undefined) next.sku = flags.sku;
  if (flags.title !== undefined) next.title = flags.title;
  if (flags.description !== undefined) next.description = flags.description;
  if (flags.image) next.images = flags.image;
  if (flags["list-price"] !== undefined) next.listPrice = yuan(flags["list-price"], "--list-price");
  if (flags.stock !== undefined) next.stock = whole(flags.stock, "--stock");
  if (flags["top-up"] !== undefined) {
    if (typeof next.stock !== "number") throw new CliError("--top-up needs the sale's current stock");
    next.stock += whole(flags["top-up"], "--top-up");
  }
  if (flags["starts-at"] !== undefined) next.startsAt = parseTime(flags["starts-at"], now, "--starts-at");
  if (flags["ends-at"] !== undefined) next.endsAt = parseTime(flags["ends-at"], now, "--ends-at");
  if (flags.extend !== undefined) {
    if (typeof next.endsAt !== "number") throw new CliError("--extend needs the sale's current end");
    next.endsAt += duration(flags.extend, "--extend");
  }
  if (flags.limit !== undefined) next.perShopperLimit = whole(flags.limit, "--limit");
  if (flags["hold-seconds"] !== undefined) next.holdSeconds = whole(flags["hold-seconds"], "--hold-seconds");
  if (flags.shards !== undefined) next.shards = whole(flags.shards, "--shards");
  if (flags["no-tiers"]) next.tiers = [];
  if (flags.tier) next.tiers = flags.tier.map(parseTier);
  if (flags["no-gifts"]) next.gifts = [];
  if (flags.gift) next.gifts = flags.gift.map((text) => parseGift(text, now));
  if (flags.paused !== undefined) next.paused = flags.paused;
  if (flags["no-waiting-room"]) next.waitingRoom = null;
  if (flags["waiting-room"] !== undefined) next.waitingRoom = parseWaitingRoom(flags["waiting-room"]);
  if (flags["member-prices"] && flags["no-member-prices"]) throw new CliError("--member-prices and --no-member-prices: choose one");
  if (flags["member-prices"]) next.memberPrices = true;
  if (flags["no-member-prices"]) next.memberPrices = false;
  return next;
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `now`, `+15m` / `-1h` (from now), epoch milliseconds, or ISO 8601 (local time without an offset). */
export function parseTime(text: string, now: number, flag: string): number {
  const value = text.trim();
  if (value === "now") return now;
  const relative = /^([+-])(\d+)([smhd])$/.exec(value);
  if (relative) return now + (relative[1] === "-" ? -1 : 1) * Number(relative[2]) * UNIT_MS[relative[3]!]!;
  if (/^\d{10,}$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new CliError(`${flag}: "${text}" is not a time (try 2026-11-11T00:00+08:00, now, +30m or epoch ms)`);
  return parsed;
}

/** `30m`, `2h`, `1d`… */
export function duration(text: string, flag: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (!match) throw new CliError(`${flag}: "${text}" is not a duration (try 30m, 2h or 1d)`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** `500` (shoppers let through per second) or `500,600` (and how long a ticket is good, in seconds). */
function parseWaitingRoom(text: string) {
  const match = /^(\d+)(?:,(\d+))?$/.exec(text.trim());
  if (!match) throw new CliError(`--waiting-room: "${text}" should look like 500 or 500,900 (per second[,ticket seconds])`);
  return match[2] ? { admitPerSecond: Number(match[1]), ticketTtlSeconds: Number(match[2]) } : { admitPerSecond: Number(match[1]) };
}

/** `1-100:299.50` or `1-100:299.50:First 100 at half price` (price in yuan). */
function parseTier(text: string) {
  const match = /^(\d+)-(\d+):([^:]+)(?::(.+))?$/.exec(text.trim());
  if (!match) throw new CliError(`--tier: "${text}" should look like 1-100:299.50 or 1-100:299.50:label (units from-to : yuan)`);
  const tier = { fromRank: Number(match[1]), toRank: Number(match[2]), unitPrice: yuan(match[3]!, "--tier") };
  return match[4] ? { ...tier, label: match[4] } : tier;
}

/** `id,title,from,until,count`, e.g. `tote-bag,Tote bag,now,+2h,100`. */
function parseGift(text: string, now: number) {
  const parts = text.split(",").map((part) => part.trim());
  if (parts.length !== 5) throw new CliError(`--gift: "${text}" should be id,title,from,until,count (e.g. tote-bag,Tote bag,now,+2h,100)`);
  const [id, title, from, until, count] = parts as [string, string, string, string, string];
  return { id, title, startsAt: parseTime(from, now, "--gift"), endsAt: parseTime(until, now, "--gift"), stock: whole(count, "--gift") };
}

function yuan(text: string, flag: string): number {
  const fen = parseYuan(text);
  if (fen === null) throw new CliError(`${flag}: "${text}" is not an amount in yuan (e.g. 599 or 599.50)`);
  return fen;
}

/** A number as typed; whether it is a whole one in range is the API's to say. */
function whole(text: string, flag: string): number {
  const value = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(value)) throw new CliError(`${flag}: "${text}" is not a number`);
  return value;
}
