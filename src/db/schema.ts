import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  doublePrecision,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { DiscountLine } from "../coupons/discount.ts";
import type { ExperimentConfig } from "../experiments/experiment-config.ts";
import type { ExperimentAction } from "../experiments/lifecycle.ts";
import type { ForecastRecord, ForecastRunStatus } from "../forecast/forecast-record.ts";
import type { OrderStatus } from "../orders/order.ts";
import type { PaymentLineKind, PresaleLine } from "../presale/presale-terms.ts";
import { EDGE_KINDS, type EdgeKind } from "../propagation/graph.ts";
import type { SaleConfig } from "../sales/sale-config.ts";
import { ROLES, type Role } from "../staff/roles.ts";
import type { OpeningHours } from "../stores/store.ts";

/**
 * Orders as Postgres records them. The SKU's Durable Object is the source of truth for
 * stock; these rows are the durable, queryable record its outbox writes (issue 4).
 * Money is integer minor units (fen), in `bigint`: an order total may pass 2^31 fen
 * (¥21,474,836.47), and one order that did not fit an `integer` once held back every order
 * behind it in its SKU's outbox. Read back as JS numbers: totals are bounded far below 2^53
 * when a sale is saved (MAX_ORDER_TOTAL).
 */
export const orders = pgTable(
  "orders",
  {
    id: text("id").primaryKey(),
    sku: text("sku").notNull(),
    shopperId: text("shopper_id").notNull(),
    qty: integer("qty").notNull(),
    /** The price of each unit, by its sale rank. */
    unitPrices: jsonb("unit_prices").$type<number[]>().notNull(),
    /** The sale ranks (1-based) of the units the order holds or bought. */
    ranks: jsonb("ranks").$type<number[]>().notNull().default([]),
    totalAmount: bigint("total_amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull().default("CNY"),
    tier: text("tier"),
    status: text("status").$type<OrderStatus>().notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    /** The payment provider's reference once paid. */
    paymentRef: text("payment_ref"),
    /** The order's version in its SKU object; writers only ever apply a higher one. */
    version: integer("version").notNull().default(1),
    /** The limited-time gift that went with the order, if any (issue 6); kept when it is released. */
    giftId: text("gift_id"),
    /**
     * The coupons the order carries (issue 14), each with the fen it takes off:
     * `totalAmount` is the units' prices less these. Changes while the order is unpaid (the
     * order page's choice of coupon), fixed once paid.
     */
    discountLines: jsonb("discount_lines").$type<DiscountLine[]>().notNull().default([]),
    /**
     * The invoice (fapiao) the shopper chose when paying (issue 16): "electronic" earns the
     * order double points. Null: not chosen (orders before issue 16, or unpaid).
     */
    invoiceKind: text("invoice_kind").$type<"paper" | "electronic">(),
    /** A presale order's deposit and balance (issue 19, src/presale/presale-terms.ts); null for any other order. */
    presale: jsonb("presale").$type<PresaleLine>(),
  },
  (table) => [
    // An Idempotency-Key is scoped to a shopper and a SKU: each SKU's object dedupes its own.
    uniqueIndex("orders_sku_shopper_idempotency_key").on(table.sku, table.shopperId, table.idempotencyKey),
    index("orders_sku_status").on(table.sku, table.status),
    check("orders_qty_positive", sql`${table.qty} > 0`),
    check("orders_total_nonnegative", sql`${table.totalAmount} >= 0`),
  ],
);

/** Every status an order passed through, once each, in order. */
export const orderStatusHistory = pgTable(
  "order_status_history",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    status: text("status").$type<OrderStatus>().notNull(),
    reason: text("reason"),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [uniqueIndex("order_status_history_once").on(table.orderId, table.status)],
);

/**
 * Every change to a sale's configuration through the admin API (issue 6): who, when, what
 * before and after. Written by the save itself; nothing updates or deletes these rows.
 */
export const adminAuditLog = pgTable(
  "admin_audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    /** The `X-Admin-Actor` of the request ("admin" when none was given). */
    actor: text("actor").notNull(),
    action: text("action").$type<"create" | "update" | "pause" | "resume">().notNull(),
    sku: text("sku").notNull(),
    /** The configuration before the change; null when the change created the sale. */
    before: jsonb("before").$type<SaleConfig>(),
    after: jsonb("after").$type<SaleConfig>().notNull(),
  },
  (table) => [index("admin_audit_log_sku_at").on(table.sku, table.at)],
);

/**
 * Staff accounts (issue 11): one per person, by email (unique however it is cased). The
 * password hash is null for an account that signs in only through Cloudflare Access.
 * Disabling sets `disabled_at`; every session issued before `sessions_valid_after` is
 * refused (sign-out everywhere, a new password, disabling all move it to now).
 */
export const staffAccounts = pgTable(
  "staff_accounts",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role").$type<Role>().notNull(),
    /** Store staff: the stores they work in; empty for every other role. */
    stores: text("stores").array().notNull().default(sql`'{}'::text[]`),
    passwordHash: text("password_hash"),
    disabledAt: timestamp("disabled_at", { withTimezone: true, mode: "date" }),
    sessionsValidAfter: timestamp("sessions_valid_after", { withTimezone: true, mode: "date" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    uniqueIndex("staff_accounts_email_lower").on(sql`lower(${table.email})`),
    check("staff_accounts_role_known", sql`${table.role} in (${sql.raw(ROLES.map((role) => `'${role}'`).join(", "))})`),
  ],
);

/**
 * API keys for systems calling the admin API (issue 11): only the SHA-256 of the key is
 * kept. Revoking sets `revoked_at`; rows are kept so lists and logs can still name a key.
 */
export const staffApiKeys = pgTable(
  "staff_api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** SHA-256 of the whole key, hex. */
    secretHash: text("secret_hash").notNull(),
    role: text("role").$type<Role>().notNull(),
    stores: text("stores").array().notNull().default(sql`'{}'::text[]`),
    /** Who made it: the creator's email or name, or `cli (<user>)`. */
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    uniqueIndex("staff_api_keys_secret_hash").on(table.secretHash),
    check("staff_api_keys_role_known", sql`${table.role} in (${sql.raw(ROLES.map((role) => `'${role}'`).join(", "))})`),
  ],
);

/**
 * Shopper events (issue 13, src/events/event.ts): browser events through the queue's
 * consumer, order events from the SKU objects' outboxes in the same transaction as the
 * order. The id is the key, so a redelivered message or a replayed outbox batch adds nothing.
 * The columns later capabilities filter by are columns; the rest of an event is `props`.
 */
export const events = pgTable(
  "events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    shopperId: text("shopper_id").notNull(),
    /** When it happened, server time. */
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull(),
    sku: text("sku"),
    category: text("category"),
    orderId: text("order_id"),
    /** Integer minor units (fen), for order and payment events. */
    amount: bigint("amount", { mode: "number" }),
    device: text("device").notNull(),
    locale: text("locale"),
    page: text("page"),
    referrer: text("referrer"),
    utm: jsonb("utm").$type<Record<string, string>>(),
    /** Experiment key → variant, as the shopper was assigned when it happened. */
    experiments: jsonb("experiments").$type<Record<string, string>>().notNull().default({}),
    /** The type's other fields (qty, outcome, channel, experiment and variant of an exposure…). */
    props: jsonb("props").$type<Record<string, unknown>>().notNull().default({}),
  },
  (table) => [
    index("events_shopper_at").on(table.shopperId, table.at),
    index("events_type_at").on(table.type, table.at),
    index("events_sku_at").on(table.sku, table.at),
  ],
);

/** Events dropped as bad (src/events/screening.ts DROP_REASONS), counted per day and reason. */
export const eventDrops = pgTable(
  "event_drops",
  {
    day: text("day").notNull(),
    reason: text("reason").notNull(),
    count: bigint("count", { mode: "number" }).notNull(),
  },
  (table) => [uniqueIndex("event_drops_day_reason").on(table.day, table.reason)],
);

/** Queue messages that failed every retry: the dead-letter queue's consumer keeps them here to be looked at. */
export const eventDeadLetters = pgTable("event_dead_letters", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  messageId: text("message_id").notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull(),
  body: jsonb("body").notNull(),
});

/**
 * Every change to an experiment through the admin API (issue 13): who, when, what before and
 * after. The version is unique per experiment: with no Durable Object behind an experiment,
 * this insert is where two saves of one version meet, and the second is refused (409) before
 * it reaches KV (workers/storefront/admin/save-experiment.ts).
 */
export const experimentAuditLog = pgTable(
  "experiment_audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    actor: text("actor").notNull(),
    action: text("action").$type<ExperimentAction>().notNull(),
    experiment: text("experiment").notNull(),
    /** The version the change made (`after.version`). */
    version: integer("version").notNull(),
    before: jsonb("before").$type<ExperimentConfig>(),
    after: jsonb("after").$type<ExperimentConfig>().notNull(),
  },
  (table) => [uniqueIndex("experiment_audit_log_version").on(table.experiment, table.version)],
);

/**
 * Each shopper's first exposure to each experiment (issue 13): written by the events
 * consumer from the pages' `experiment_exposure` events, once per shopper and experiment
 * (the key), keeping the earliest when a later batch brings an earlier one. Results count
 * these shoppers, and an order event of theirs after `exposed_at` converts for `variant`.
 */
export const experimentExposures = pgTable(
  "experiment_exposures",
  {
    experiment: text("experiment").notNull(),
    shopperId: text("shopper_id").notNull(),
    variant: text("variant").notNull(),
    exposedAt: timestamp("exposed_at", { withTimezone: true, mode: "date" }).notNull(),
    device: text("device").notNull(),
    locale: text("locale"),
  },
  (table) => [primaryKey({ columns: [table.experiment, table.shopperId] })],
);

/**
 * Referral codes (issue 14, src/share/referral-code.ts): how the `ref` of a share link is
 * resolved to the shopper who shared it. The code is an HMAC of the shopper id and cannot be
 * turned back into it; this table is the only way back. One code per shopper, written when
 * they first share; a colliding code (about 1 in 2 million at a million shoppers) is refused
 * by the primary key rather than crediting the wrong shopper.
 */
export const referralCodes = pgTable("referral_codes", {
  code: text("code").primaryKey(),
  shopperId: text("shopper_id").notNull().unique("referral_codes_shopper_id"),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
});

/**
 * Landings through share and campaign links (issue 14, src/share/share-link.ts readLanding):
 * each visit with its UTM and the referral code it carried, resolved to the referrer when the
 * code is known. Last-touch attribution (src/share/attribution.ts) reads a buyer's landings of
 * the last 7 days, hence the index by shopper and time.
 */
export const shareLandings = pgTable(
  "share_landings",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    shopperId: text("shopper_id").notNull(),
    referralCode: text("referral_code"),
    /** The shopper `referral_code` resolved to; null when the link carried none or an unknown one. */
    referrerId: text("referrer_id"),
    utmSource: text("utm_source"),
    utmMedium: text("utm_medium"),
    utmCampaign: text("utm_campaign"),
    utmTerm: text("utm_term"),
    utmContent: text("utm_content"),
    landedAt: timestamp("landed_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("share_landings_shopper_landed_at").on(table.shopperId, table.landedAt),
    index("share_landings_campaign_landed_at").on(table.utmCampaign, table.landedAt),
  ],
);

/**
 * The propagation graph (issue 14, src/propagation/graph.ts): one row per step of a share,
 * inviter → invitee, a `visit`, a `join` or an `order` (with its id and amount). Idempotent:
 * the unique constraint treats a null order id as a value (NULLS NOT DISTINCT), so a
 * redelivered visit or join inserts nothing, as a redelivered order does.
 * `tree_edge` marks the one edge that placed the invitee in the campaign's tree (the first
 * inviter to reach them); the partial unique index holds every invitee to one parent per
 * campaign, whatever a writer gets wrong. A self-edge is refused outright.
 */
export const propagationEdges = pgTable(
  "propagation_edges",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    campaign: text("campaign").notNull(),
    inviterId: text("inviter_id").notNull(),
    inviteeId: text("invitee_id").notNull(),
    kind: text("kind").$type<EdgeKind>().notNull(),
    orderId: text("order_id"),
    /** Integer minor units (fen), for order edges. */
    amount: bigint("amount", { mode: "number" }),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    treeEdge: boolean("tree_edge").notNull().default(false),
  },
  (table) => [
    unique("propagation_edges_once").on(table.campaign, table.inviterId, table.inviteeId, table.kind, table.orderId).nullsNotDistinct(),
    uniqueIndex("propagation_edges_one_parent").on(table.campaign, table.inviteeId).where(sql`${table.treeEdge}`),
    index("propagation_edges_campaign_at").on(table.campaign, table.at),
    check("propagation_edges_kind_known", sql`${table.kind} in (${sql.raw(EDGE_KINDS.map((kind) => `'${kind}'`).join(", "))})`),
    check("propagation_edges_not_self", sql`${table.inviterId} <> ${table.inviteeId}`),
    check("propagation_edges_order_has_id", sql`(${table.kind} = 'order') = (${table.orderId} is not null)`),
    check("propagation_edges_amount_nonnegative", sql`${table.amount} >= 0`),
  ],
);

/**
 * Every change to configuration a marketer edits in versions beyond sales and experiments
 * (issue 14: coupon templates, team campaigns): who, when, what before and after. `kind`
 * names the catalog; the (kind, key, version) key refuses a second save of one version, which
 * is where two marketers saving at once meet (the second is 409 `conflict`).
 */
export const configAuditLog = pgTable(
  "config_audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    version: integer("version").notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    before: jsonb("before").$type<Record<string, unknown>>(),
    after: jsonb("after").$type<Record<string, unknown>>().notNull(),
  },
  (table) => [uniqueIndex("config_audit_log_version").on(table.kind, table.key, table.version)],
);

/**
 * Physical stores (issue 15, src/stores/store.ts): where livestream coupons are redeemed and
 * what the geofence measures distance to. `h3_cell` is the store's H3 cell at the resolution
 * the geofence index uses (src/geo), kept beside the coordinates so a query can find the
 * stores near a cell without computing distances to all of them.
 */
export const stores = pgTable(
  "stores",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    address: text("address").notNull(),
    city: text("city").notNull(),
    latitude: doublePrecision("latitude").notNull(),
    longitude: doublePrecision("longitude").notNull(),
    h3Cell: text("h3_cell"),
    timeZone: text("time_zone").notNull(),
    openingHours: jsonb("opening_hours").$type<OpeningHours>().notNull(),
    redeemOnlyWhenOpen: boolean("redeem_only_when_open").notNull().default(false),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("stores_city").on(table.city),
    index("stores_h3_cell").on(table.h3Cell),
    check("stores_latitude_range", sql`${table.latitude} between -90 and 90`),
    check("stores_longitude_range", sql`${table.longitude} between -180 and 180`),
  ],
);

/**
 * Staff tokens (issue 15): what a till signs in to `/store` with, issued in the console for
 * ONE store. Only the SHA-256 of the secret is kept (like staff API keys); a revoked token
 * signs nothing in from then on.
 */
export const storeStaffTokens = pgTable(
  "store_staff_tokens",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    label: text("label").notNull(),
    secretHash: text("secret_hash").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    createdBy: text("created_by").notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [index("store_staff_tokens_store").on(table.storeId)],
);

/**
 * Web Push subscriptions (issue 15): where "offers near me" reaches a shopper's browser when
 * the page is in the background or closed. One row per browser (the endpoint the push service
 * gave it, unique); a shopper may have several. A push service's 404 or 410 deletes the row
 * (the browser unsubscribed or the subscription expired); other failures are counted.
 */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    endpoint: text("endpoint").primaryKey(),
    shopperId: text("shopper_id").notNull(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    lastSuccessAt: timestamp("last_success_at", { withTimezone: true, mode: "date" }),
    failures: integer("failures").notNull().default(0),
  },
  (table) => [index("push_subscriptions_shopper").on(table.shopperId)],
);

/**
 * The points ledger (issue 16): every movement of a shopper's points is one row, never edited
 * or deleted; a balance is the sum of a shopper's rows. `amount` is signed (earned +, spent or
 * reversed −). `idempotency_key` is unique, so a movement retried, replayed or raced lands once
 * (e.g. `earn:<orderId>`, `hold:<sku>:<checkoutKey>`, `crm:<apiKeyId>:<key>`). `expires_at`
 * is set on earned rows: what is left of them then is written off by an `expired` row.
 */
export const pointsEntries = pgTable(
  "points_entries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    shopperId: text("shopper_id").notNull(),
    amount: integer("amount").notNull(),
    reason: text("reason").notNull(),
    idempotencyKey: text("idempotency_key").notNull().unique(),
    orderId: text("order_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [index("points_entries_shopper").on(table.shopperId, table.at), index("points_entries_order").on(table.orderId)],
);

/**
 * Refunds of paid orders (issue 16), whole or partial: money back through the payment
 * provider, and the units given back (0 for money alone, e.g. a price-protection refund).
 * Points earned on the order are reversed in proportion; a shopper's 12-month spend counts
 * paid orders less these.
 */
export const orderRefunds = pgTable(
  "order_refunds",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    shopperId: text("shopper_id").notNull(),
    sku: text("sku").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    units: integer("units").notNull().default(0),
    reason: text("reason").notNull(),
    idempotencyKey: text("idempotency_key").notNull().unique(),
    providerRef: text("provider_ref"),
    actor: text("actor").notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("order_refunds_order").on(table.orderId),
    index("order_refunds_shopper").on(table.shopperId),
    check("order_refunds_amount_positive", sql`${table.amount} > 0`),
    check("order_refunds_units_nonnegative", sql`${table.units} >= 0`),
  ],
);

/**
 * A member's standing (issue 16): the tier last computed and what it rests on. The tier's
 * points multiplier (in percent) and price-protection days are kept beside it, so the outbox's
 * points and the price-protection scan need no configuration read. `recompute_due` is set when
 * an order of the shopper is paid or refunded; the tier job clears it.
 */
export const members = pgTable("members", {
  shopperId: text("shopper_id").primaryKey(),
  tier: text("tier"),
  tierSince: timestamp("tier_since", { withTimezone: true, mode: "date" }),
  pointsMultiplierPercent: integer("points_multiplier_percent").notNull().default(100),
  protectionDays: integer("protection_days").notNull().default(0),
  spend12m: bigint("spend_12m", { mode: "number" }).notNull().default(0),
  points12m: integer("points_12m").notNull().default(0),
  recomputeDue: boolean("recompute_due").notNull().default(true),
  recomputedAt: timestamp("recomputed_at", { withTimezone: true, mode: "date" }),
  version: integer("version").notNull().default(0),
});

/**
 * Benefits granted to members (issue 16): a tier's benefits when the member reaches it, or a
 * CRM's grant. `idempotency_key` is unique, so each is granted once (e.g.
 * `tier:<shopper>:<tier>:<benefit>`, `crm:<apiKeyId>:<key>`).
 */
export const benefitGrants = pgTable(
  "benefit_grants",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    shopperId: text("shopper_id").notNull(),
    kind: text("kind").notNull(),
    source: text("source").notNull(),
    tier: text("tier"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    idempotencyKey: text("idempotency_key").notNull().unique(),
    grantedAt: timestamp("granted_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [index("benefit_grants_shopper").on(table.shopperId)],
);

/**
 * The prices each SKU was sold at, from when (issue 16): what price protection compares paid
 * orders with. A row is written when a sale's price changes (saved, or its next price tier
 * reached) and by the scan; the same (sku, price, at) once.
 */
export const skuPrices = pgTable(
  "sku_prices",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sku: text("sku").notNull(),
    price: bigint("price", { mode: "number" }).notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    source: text("source").notNull(),
  },
  (table) => [
    uniqueIndex("sku_prices_sku_price_at").on(table.sku, table.price, table.at),
    index("sku_prices_sku_at").on(table.sku, table.at),
  ],
);

/**
 * Price-protection credits paid (issue 16, src/membership/price-protection.ts). `credit_key`
 * (one per order and price level) is unique: two claims of one drop, the shopper's and the
 * scan's, pay once. `refund_id` names the order_refunds row when paid back through the
 * payment provider.
 */
export const priceProtectionClaims = pgTable(
  "price_protection_claims",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    shopperId: text("shopper_id").notNull(),
    sku: text("sku").notNull(),
    creditKey: text("credit_key").notNull().unique(),
    paidUnitPrice: bigint("paid_unit_price", { mode: "number" }).notNull(),
    dropPrice: bigint("drop_price", { mode: "number" }).notNull(),
    dropAt: timestamp("drop_at", { withTimezone: true, mode: "date" }).notNull(),
    perUnit: bigint("per_unit", { mode: "number" }).notNull(),
    units: integer("units").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    source: text("source").notNull(),
    refundId: text("refund_id"),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [index("price_protection_claims_order").on(table.orderId), index("price_protection_claims_at").on(table.at)],
);

/**
 * Invoices shoppers upload for points (issue 16): the file until it is read, then what was read
 * from it (its QR code, its text, or OCR) and the verdict. `invoice_key` (code + number) is
 * unique among accepted uploads: points once per invoice. `queued` rows wait for the OCR
 * worker, which leases one by `claimed_at`.
 */
export const invoiceUploads = pgTable(
  "invoice_uploads",
  {
    id: text("id").primaryKey(),
    shopperId: text("shopper_id").notNull(),
    status: text("status").$type<"queued" | "accepted" | "refused">().notNull(),
    contentType: text("content_type").notNull(),
    byteSize: integer("byte_size").notNull(),
    sha256: text("sha256").notNull(),
    /** The file, base64, while it waits to be read; emptied once decided. */
    content: text("content"),
    method: text("method"),
    fields: jsonb("fields").$type<Record<string, unknown>>(),
    invoiceKey: text("invoice_key"),
    points: integer("points").notNull().default(0),
    refusalCode: text("refusal_code"),
    refusalMessage: text("refusal_message"),
    idempotencyKey: text("idempotency_key").notNull(),
    attempts: integer("attempts").notNull().default(0),
    claimedAt: timestamp("claimed_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    decidedAt: timestamp("decided_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    uniqueIndex("invoice_uploads_shopper_key").on(table.shopperId, table.idempotencyKey),
    uniqueIndex("invoice_uploads_accepted_invoice").on(table.invoiceKey).where(sql`${table.status} = 'accepted'`),
    index("invoice_uploads_status").on(table.status, table.createdAt),
  ],
);

/**
 * Webhooks for the CRM (issue 16), written in the same transaction as the change they tell of
 * (tier changed, benefit granted, price-protection credit, points earned), so none is lost and
 * none told of a change that did not happen. `id` is the Standard Webhooks `webhook-id` the
 * receiver deduplicates on. A drain moves undelivered rows to the delivery queue.
 */
export const crmOutbox = pgTable(
  "crm_outbox",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    shopperId: text("shopper_id").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    enqueuedAt: timestamp("enqueued_at", { withTimezone: true, mode: "date" }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, mode: "date" }),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    deadAt: timestamp("dead_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [index("crm_outbox_pending").on(table.createdAt).where(sql`${table.enqueuedAt} is null`)],
);

/**
 * API keys a CRM calls the inbound API with (issue 16), created and revoked in the console.
 * Only the SHA-256 of the secret is kept; `scopes` limits what the key may do.
 */
export const crmApiKeys = pgTable("crm_api_keys", {
  id: text("id").primaryKey(),
  label: text("label").notNull(),
  scopes: jsonb("scopes").$type<string[]>().notNull(),
  secretHash: text("secret_hash").notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  createdBy: text("created_by").notNull(),
  revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
});

/**
 * Each shopper's RFM scores (issue 17): recency (days since the last paid order), frequency
 * (paid orders) and monetary (fen paid, less refunds) over the scoring window, each scored 1–5
 * by tie-aware quintiles (src/rfm/), and the named segment they map to. A run rewrites every
 * row; `previous_segment` is the segment before that run, so movement needs no second table.
 */
export const rfmScores = pgTable(
  "rfm_scores",
  {
    shopperId: text("shopper_id").primaryKey(),
    recencyDays: integer("recency_days").notNull(),
    frequency: integer("frequency").notNull(),
    monetary: bigint("monetary", { mode: "number" }).notNull(),
    r: integer("r").notNull(),
    f: integer("f").notNull(),
    m: integer("m").notNull(),
    segment: text("segment").notNull(),
    previousSegment: text("previous_segment"),
    runId: text("run_id").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    // A segment's export pages by shopper id within the segment: one index range a page.
    index("rfm_scores_segment").on(table.segment, table.shopperId),
    check("rfm_scores_range", sql`${table.r} between 1 and 5 and ${table.f} between 1 and 5 and ${table.m} between 1 and 5`),
  ],
);

/**
 * The RFM runs (issue 17): when, why (the schedule or a person), how many shoppers, the size
 * of each segment and the movement between segments since the run before.
 */
export const rfmRuns = pgTable("rfm_runs", {
  id: text("id").primaryKey(),
  startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }).notNull(),
  finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
  trigger: text("trigger").notNull(),
  actor: text("actor").notNull(),
  shoppers: integer("shoppers").notNull().default(0),
  sizes: jsonb("sizes").$type<Record<string, number>>().notNull().default({}),
  movement: jsonb("movement").$type<Array<{ from: string | null; to: string; shoppers: number }>>().notNull().default([]),
});

/**
 * What may start or end a follow-up sequence (issue 17), written in the same transaction as the
 * change it tells of, once by its id (`<kind>:<source id>`): `order_paid` and
 * `checkout_abandoned` (an order expired or cancelled unpaid) from the events the outbox
 * writes, `team_failed` from the team events, `segment_entered` from an RFM run. The sequence
 * engine takes pending rows (`taken_at` null), enrols or exits, and marks them taken.
 */
export const sequenceTriggers = pgTable(
  "sequence_triggers",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    shopperId: text("shopper_id").notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    takenAt: timestamp("taken_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [index("sequence_triggers_pending").on(table.at).where(sql`${table.takenAt} is null`)],
);

/**
 * A shopper enrolled in a follow-up sequence (issue 17), once per sequence and trigger. Its
 * steps run in a FollowUp Durable Object of its own; this row is the durable record the console
 * counts and the exit rules find.
 */
export const sequenceEnrolments = pgTable(
  "sequence_enrolments",
  {
    id: text("id").primaryKey(),
    sequenceId: text("sequence_id").notNull(),
    sequenceVersion: integer("sequence_version").notNull(),
    shopperId: text("shopper_id").notNull(),
    triggerId: text("trigger_id").notNull(),
    status: text("status").$type<"active" | "completed" | "exited">().notNull(),
    enrolledAt: timestamp("enrolled_at", { withTimezone: true, mode: "date" }).notNull(),
    nextStep: integer("next_step").notNull().default(0),
    nextAt: timestamp("next_at", { withTimezone: true, mode: "date" }),
    exitReason: text("exit_reason"),
    endedAt: timestamp("ended_at", { withTimezone: true, mode: "date" }),
    context: jsonb("context").$type<Record<string, unknown>>().notNull().default({}),
  },
  (table) => [
    uniqueIndex("sequence_enrolments_once").on(table.sequenceId, table.triggerId),
    index("sequence_enrolments_shopper").on(table.shopperId, table.status),
    // The follow-up job's every-minute sweep for overdue steps reads only the active ones.
    index("sequence_enrolments_due").on(table.nextAt).where(sql`${table.status} = 'active'`),
  ],
);

/** Each step of an enrolment sent (issue 17), once by its key `<enrolment id>:<step>`. */
export const sequenceSends = pgTable(
  "sequence_sends",
  {
    idempotencyKey: text("idempotency_key").primaryKey(),
    enrolmentId: text("enrolment_id").notNull(),
    step: integer("step").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true, mode: "date" }).notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }).notNull(),
    channels: jsonb("channels").$type<string[]>().notNull().default([]),
    couponId: text("coupon_id"),
  },
  (table) => [index("sequence_sends_enrolment").on(table.enrolmentId)],
);

/** The shopper's in-app inbox (issue 17): follow-ups and notices, once by key; unread until read. */
export const inboxMessages = pgTable(
  "inbox_messages",
  {
    id: text("id").primaryKey(),
    shopperId: text("shopper_id").notNull(),
    idempotencyKey: text("idempotency_key").notNull().unique(),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    link: text("link"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    readAt: timestamp("read_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    index("inbox_messages_shopper").on(table.shopperId, table.createdAt),
    index("inbox_messages_unread").on(table.shopperId).where(sql`${table.readAt} is null`),
  ],
);

/**
 * Advisers (issue 17): staff accounts with the `adviser` role who serve shoppers one to one.
 * `on_shift` is whether new shoppers may be assigned to them; `removed_at` set means they left
 * (their shoppers are reassigned).
 */
export const advisers = pgTable("advisers", {
  id: text("id").primaryKey(),
  staffId: text("staff_id").notNull().unique(),
  displayName: text("display_name").notNull(),
  onShift: boolean("on_shift").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  removedAt: timestamp("removed_at", { withTimezone: true, mode: "date" }),
  lastAssignedAt: timestamp("last_assigned_at", { withTimezone: true, mode: "date" }),
});

/** Each shopper's adviser (issue 17): stable once given, changed only when the adviser leaves. */
export const adviserAssignments = pgTable(
  "adviser_assignments",
  {
    shopperId: text("shopper_id").primaryKey(),
    adviserId: text("adviser_id").notNull(),
    assignedAt: timestamp("assigned_at", { withTimezone: true, mode: "date" }).notNull(),
    reason: text("reason").notNull(),
  },
  (table) => [index("adviser_assignments_adviser").on(table.adviserId)],
);

/**
 * A conversation between a shopper and their adviser (issue 17), served live by a Conversation
 * Durable Object. The times the response-time board measures are kept on the row:
 * `first_message_at` (the shopper's first message), `first_response_at` (the adviser's first
 * reply after it) and `resolved_at`.
 */
export const conversations = pgTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    shopperId: text("shopper_id").notNull(),
    adviserId: text("adviser_id").notNull(),
    status: text("status").$type<"open" | "resolved">().notNull(),
    openedAt: timestamp("opened_at", { withTimezone: true, mode: "date" }).notNull(),
    firstMessageAt: timestamp("first_message_at", { withTimezone: true, mode: "date" }),
    firstResponseAt: timestamp("first_response_at", { withTimezone: true, mode: "date" }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true, mode: "date" }),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    index("conversations_shopper").on(table.shopperId, table.openedAt),
    index("conversations_adviser").on(table.adviserId, table.status),
    // The response-time board's two reads (src/advisers/board-report.ts): a window's cohort, and who waits now.
    index("conversations_cohort").on(sql`coalesce(${table.firstMessageAt}, ${table.openedAt})`),
    index("conversations_waiting")
      .on(table.firstMessageAt)
      .where(sql`${table.status} = 'open' and ${table.firstMessageAt} is not null and ${table.firstResponseAt} is null`),
  ],
);

/** The messages of a conversation (issue 17), once per (conversation, client key). */
export const conversationMessages = pgTable(
  "conversation_messages",
  {
    id: text("id").primaryKey(),
    conversationId: text("conversation_id").notNull(),
    author: text("author").$type<"shopper" | "adviser" | "system">().notNull(),
    authorId: text("author_id").notNull(),
    body: text("body").notNull(),
    clientKey: text("client_key").notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    uniqueIndex("conversation_messages_once").on(table.conversationId, table.clientKey),
    index("conversation_messages_at").on(table.conversationId, table.at),
  ],
);

// Issue 18: Lookalike audiences
/**
 * Lookalike audiences (issue 18): a seed (an RFM segment, the buyers of a SKU, or an uploaded
 * list of shopper ids) and a size in tenths of a percent of the pool; built Node-side by
 * scripts/audiences/lookalike.ts, which leases `queued` rows by `claimed_at`
 * (`for update skip locked`) and writes the members below. `percent_tenths` 10–100 is 1.0–10.0 %.
 */
export const lookalikeAudiences = pgTable(
  "lookalike_audiences",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    seedKind: text("seed_kind").$type<"segment" | "sku" | "list">().notNull(),
    /** The segment or the SKU; for an uploaded list, null (the ids are in `seed_ids`). */
    seedSource: text("seed_source"),
    /** An uploaded list's shopper ids (deduplicated), else null. */
    seedIds: jsonb("seed_ids").$type<string[]>(),
    percentTenths: integer("percent_tenths").notNull(),
    status: text("status").$type<"queued" | "building" | "built" | "failed">().notNull(),
    /** 0–100 while building. */
    progress: integer("progress").notNull().default(0),
    seedCount: integer("seed_count").notNull(),
    poolSize: integer("pool_size"),
    size: integer("size"),
    /**
     * The quality estimate: the share of held-out seeds (a fifth) that the other seeds rank within
     * the audience's size (src/audiences/lookalike.ts holdoutRecall); null until built.
     */
    holdoutRecall: doublePrecision("holdout_recall"),
    error: text("error"),
    idempotencyKey: text("idempotency_key").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    claimedAt: timestamp("claimed_at", { withTimezone: true, mode: "date" }),
    attempts: integer("attempts").notNull().default(0),
    builtAt: timestamp("built_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    uniqueIndex("lookalike_audiences_idempotency_key").on(table.idempotencyKey),
    index("lookalike_audiences_status").on(table.status, table.createdAt),
    check("lookalike_audiences_percent", sql`${table.percentTenths} between 10 and 100`),
    check("lookalike_audiences_progress", sql`${table.progress} between 0 and 100`),
  ],
);

/** A built audience's shoppers, most similar first (`rank` 1…size); the export reads them in rank order. */
export const lookalikeAudienceMembers = pgTable(
  "lookalike_audience_members",
  {
    audienceId: text("audience_id")
      .notNull()
      .references(() => lookalikeAudiences.id, { onDelete: "cascade" }),
    rank: integer("rank").notNull(),
    shopperId: text("shopper_id").notNull(),
    score: doublePrecision("score").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.audienceId, table.rank] }),
    uniqueIndex("lookalike_audience_members_once").on(table.audienceId, table.shopperId),
  ],
);

// Issue 18: ad campaigns and creatives (part A)
/** Raw bytes; read and written as base64 through `encode`/`decode` in SQL, so no driver's bytea handling matters. */
const bytea = customType<{ data: string; driverData: string }>({ dataType: () => "bytea" });

/**
 * Creative images marketers upload (issue 18): the original (PNG, JPEG or WebP, told by its bytes)
 * until the Node renderer (scripts/ads/render-creatives.ts) has drawn every placement's and
 * off-site channel's size; `queued` rows are leased by `claimed_at` (for update skip locked).
 * `sha256` is unique: uploading the same bytes again (a retry) answers the image already kept.
 */
export const adImages = pgTable(
  "ad_images",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    contentType: text("content_type").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    byteSize: integer("byte_size").notNull(),
    sha256: text("sha256").notNull(),
    original: bytea("original").notNull(),
    status: text("status").$type<"queued" | "rendered" | "failed">().notNull(),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    claimedAt: timestamp("claimed_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    createdBy: text("created_by"),
    renderedAt: timestamp("rendered_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [uniqueIndex("ad_images_sha256").on(table.sha256), index("ad_images_status").on(table.status, table.createdAt)],
);

/** Each rendered size of a creative image, as WebP and JPEG: served at `/ads/img/<id>.<webp|jpg>`, immutable. */
export const adImageVariants = pgTable(
  "ad_image_variants",
  {
    /** `<imageId>-<width>x<height>` (src/ads/campaign.ts adImageVariantId). */
    id: text("id").notNull(),
    format: text("format").$type<"webp" | "jpg">().notNull(),
    imageId: text("image_id").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    byteSize: integer("byte_size").notNull(),
    content: bytea("content").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.id, table.format] }), index("ad_image_variants_image").on(table.imageId)],
);

// Issue 19: presale deposits and demand forecasting
/**
 * Every payment of an order as a line (issue 19): one `full` line for an ordinary order, a
 * `deposit` and then a `balance` line for a presale order. Written by the outbox with the
 * order's status, once per (order, kind).
 */
export const orderPayments = pgTable(
  "order_payments",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    kind: text("kind").$type<PaymentLineKind>().notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    paymentRef: text("payment_ref"),
    paidAt: timestamp("paid_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.orderId, table.kind] }), check("order_payments_amount", sql`${table.amount} >= 0`)],
);

/**
 * Forecast runs (issue 19): queued by the console, the daily Cron Trigger or `npm run forecast`,
 * run Node-side by scripts/forecast/ (which leases `queued` rows by `claimed_at`, for update
 * skip locked), their forecasts below.
 */
export const forecastRuns = pgTable(
  "forecast_runs",
  {
    id: text("id").primaryKey(),
    status: text("status").$type<ForecastRunStatus>().notNull(),
    /** "console", "schedule" or "cli". */
    source: text("source").notNull(),
    requestedBy: text("requested_by"),
    /** 0–100 while running. */
    progress: integer("progress").notNull().default(0),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    claimedAt: timestamp("claimed_at", { withTimezone: true, mode: "date" }),
    attempts: integer("attempts").notNull().default(0),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [index("forecast_runs_status").on(table.status, table.createdAt)],
);

/** One forecast of a run, per SKU or category (src/forecast/forecast-record.ts). */
export const demandForecasts = pgTable(
  "demand_forecasts",
  {
    id: text("id").primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => forecastRuns.id, { onDelete: "cascade" }),
    targetKind: text("target_kind").$type<"sku" | "category">().notNull(),
    targetKey: text("target_key").notNull(),
    record: jsonb("record").$type<ForecastRecord>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    uniqueIndex("demand_forecasts_once").on(table.runId, table.targetKind, table.targetKey),
    index("demand_forecasts_latest").on(table.targetKind, table.targetKey, table.createdAt),
  ],
);
