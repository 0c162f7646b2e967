import { z } from "zod";

/**
 * The one event model (issue 13): what a shopper did and what happened to their orders, as
 * Postgres `events` keeps it. Later capabilities (recommendations, lookalike audiences, RFM,
 * follow-up sequences, ads) read these rows, so every event carries the same context: who
 * (the shopper, from the session, never from the client's word), when (server time), what
 * (the SKU and its category where one applies), where from (page, referrer, UTM, device class,
 * locale) and which experiment variants the shopper was in.
 *
 * Two kinds of type:
 * - browser events, batched by the page and sent with `navigator.sendBeacon` (BROWSER_TYPES);
 * - server events, emitted where they happen: order statuses ride the SKU object's outbox into
 *   the same transaction as the order row; a declined payment is sent by the pay route. A
 *   browser that sends one of these has it dropped (`server_only`).
 */

/** An event id: the browser's UUID, or the server's `<order id>:<status>`; the table's key, so a redelivery writes nothing twice. */
const eventId = z.string().regex(/^[A-Za-z0-9_~:.-]{8,96}$/, "an id of 8–96 letters, digits or _~:.-");
const shortText = (max: number) => z.string().min(1).max(max);
const sku = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "a SKU");
const category = shortText(64);
const qty = z.number().int().min(1).max(1_000);
/** Money: integer minor units (fen). */
const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const orderId = shortText(96);

export const DEVICE_CLASSES = ["phone", "tablet", "desktop", "bot", "unknown"] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export const utmSchema = z
  .object({
    source: shortText(128),
    medium: shortText(128),
    campaign: shortText(128),
    term: shortText(128),
    content: shortText(128),
  })
  .partial()
  .strict();
export type Utm = z.infer<typeof utmSchema>;

/** At most this many experiment assignments ride on one event. */
export const MAX_ASSIGNMENTS = 20;

/** What the page knows and sends with every event. */
const pageContext = {
  id: eventId,
  /** The page's path and query, e.g. `/sales/sku-1?utm_source=wechat`. */
  page: z.string().max(512).optional(),
  referrer: z.string().max(512).optional(),
  utm: utmSchema.optional(),
  locale: z.enum(["zh-CN", "en"]).optional(),
  /** Experiment key → the variant this shopper sees. */
  experiments: z
    .record(shortText(64), shortText(64))
    .refine((assigned) => Object.keys(assigned).length <= MAX_ASSIGNMENTS, `at most ${MAX_ASSIGNMENTS} experiments`)
    .optional(),
};

/** Browser events, by type: the fields each needs beyond the context. */
const browserEvents = {
  page_view: {},
  product_view: { sku, category },
  add_to_cart: { sku, category: category.optional(), qty },
  /** A press of Buy and what the checkout answered: `created`, or the error code (`sold_out`, …). */
  checkout_attempt: { sku, category: category.optional(), qty, outcome: z.string().regex(/^[a-z_]{2,40}$/) },
  share: { sku: sku.optional(), channel: z.enum(["link", "wechat", "weibo", "system", "other"]) },
  /** The shopper saw an experiment's variant (sent once per page; kept once per shopper and experiment). */
  experiment_exposure: { experiment: shortText(64), variant: shortText(64) },
  /**
   * Issue 18: a "Recommended for you" card shown (one per card) and one tapped. `arm`: what ranked
   * the list (`popularity`, `two_tower`); `source`: what actually ranked it (`model`, or
   * `popularity` when the model had nothing); `position` from 0; `modelVersion` when a model ranked it.
   */
  rec_impression: {
    sku,
    arm: z.enum(["popularity", "two_tower"]),
    source: z.enum(["model", "popularity"]),
    position: z.number().int().min(0).max(49),
    modelVersion: shortText(64).optional(),
  },
  rec_click: {
    sku,
    arm: z.enum(["popularity", "two_tower"]),
    source: z.enum(["model", "popularity"]),
    position: z.number().int().min(0).max(49),
    modelVersion: shortText(64).optional(),
  },
} as const;

/** Server events, by type. */
const serverEvents = {
  order_created: { sku, orderId, qty, amount },
  order_paid: { sku, orderId, qty, amount },
  order_cancelled: { sku, orderId, qty, amount },
  order_expired: { sku, orderId, qty, amount },
  /** Issue 19: a presale order's deposit paid (`amount`: the deposit, fen), and one forfeited when its balance window closed unpaid. */
  presale_deposit_paid: { sku, orderId, qty, amount },
  presale_forfeited: { sku, orderId, qty, amount },
  payment_failed: { sku, orderId, amount, reason: shortText(64) },
  /** `livestreamId`, `templateId` (issue 15): a store coupon claimed during a livestream; the console's store-coupon figures count these. */
  coupon_claimed: {
    couponId: shortText(96),
    sku: sku.optional(),
    livestreamId: shortText(64).optional(),
    templateId: shortText(64).optional(),
  },
  /** `storeId` (issue 15): redeemed at a store's till, not at checkout; with the livestream and template it was claimed from. */
  coupon_redeemed: {
    couponId: shortText(96),
    orderId: orderId.optional(),
    sku: sku.optional(),
    storeId: shortText(64).optional(),
    livestreamId: shortText(64).optional(),
    templateId: shortText(64).optional(),
  },
  /** Team-up red packets (issue 14): the shopper started a team, joined one, or was in one that completed (`amount`: their share, fen). */
  team_started: { teamId: shortText(96), campaignId: shortText(64) },
  /** `leaderId`: who leads the team the shopper joined, the join's inviter when no share link says otherwise. */
  team_joined: { teamId: shortText(96), campaignId: shortText(64), leaderId: shortText(96).optional() },
  team_completed: { teamId: shortText(96), campaignId: shortText(64), amount },
  /** Issue 17: the shopper was in a team that ran out of time unfilled (written by the team's object when it expires). */
  team_failed: { teamId: shortText(96), campaignId: shortText(64) },
  /** Issue 18: an ad served to the shopper (`/api/ads`); `variant`: the creative's letter when its campaign's experiment chose it. */
  ad_impression: { campaignId: shortText(64), creativeId: shortText(64), placement: shortText(32), variant: shortText(8).optional() },
  /** Issue 18: the shopper followed an ad's signed click link (`/ads/click/…`); the same id as its impression's, prefixed. */
  ad_click: { campaignId: shortText(64), creativeId: shortText(64), placement: shortText(32), variant: shortText(8).optional() },
} as const;

export type BrowserEventType = keyof typeof browserEvents;
export type ServerEventType = keyof typeof serverEvents;
export type EventType = BrowserEventType | ServerEventType;

export const BROWSER_TYPES = Object.keys(browserEvents) as BrowserEventType[];
export const SERVER_TYPES = Object.keys(serverEvents) as ServerEventType[];
export const EVENT_TYPES: EventType[] = [...BROWSER_TYPES, ...SERVER_TYPES];

/** What the server adds to every event: whose it is, on what device, and when (server time, epoch ms). */
const serverStamp = {
  shopperId: shortText(96),
  device: z.enum(DEVICE_CLASSES),
  at: z.number().int().nonnegative(),
};

function variants<T extends Record<string, z.ZodRawShape>>(types: T, extra: z.ZodRawShape) {
  return Object.entries(types).map(([type, fields]) =>
    z.object({ type: z.literal(type), ...pageContext, ...extra, ...fields }).strict(),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]];
}

/** An event as the browser sends it: no shopper, no device (the server knows both), `at` on the browser's clock. */
export const browserEventSchema = z.discriminatedUnion("type", variants(browserEvents, { at: z.number().int().nonnegative() }));

/** An event as it is stored: every type, stamped by the server. */
export const shopperEventSchema = z.discriminatedUnion("type", [
  ...variants(browserEvents, serverStamp),
  ...variants(serverEvents, serverStamp),
]);

type Fields<S extends z.ZodRawShape> = { [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never };
type Optionalize<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: T[K];
};
type Context = Optionalize<Fields<typeof pageContext>> & Fields<typeof serverStamp>;
type EventOf<M extends Record<string, z.ZodRawShape>> = {
  [T in keyof M]: { type: T } & Context & Optionalize<Fields<M[T]>>;
}[keyof M];

/** A stored event (the output of `shopperEventSchema`). */
export type ShopperEvent = EventOf<typeof browserEvents> | EventOf<typeof serverEvents>;
/** Omit over each member of a union (TypeScript's own Omit merges the members first). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type BrowserEvent = OmitEach<EventOf<typeof browserEvents>, "shopperId" | "device">;

export { MAX_BEACON_BYTES, MAX_EVENT_BYTES, MAX_EVENTS_PER_BEACON } from "./limits.ts";
