/**
 * What /admin/api answers, as the console reads it: the one place the browser states these
 * shapes. They are built from the domain's own types in src/ (sale configuration, snapshot,
 * phase, audit record, database failure, staff identity). The handlers' exported types
 * (AdminSale and SaleSaved in workers/storefront/admin/sales.ts, the SKU object's views)
 * cannot be imported here: their modules pull in workerd's globals (`Env`, `DurableObject`),
 * which the browser program does not have. So test/worker/admin-console.test.ts checks, in
 * the Worker's program, that each shape below equals the server's type: a change on either
 * side fails the typecheck instead of the console at run time.
 */
import type { CouponTemplate, couponDraftSchema } from "../../../src/coupons/coupon-template.ts";
import type { DatabaseFailure } from "../../../src/db/errors.ts";
import type { OrderRefund } from "../../../src/orders/refunds.ts";
import type { DashboardSummary } from "../../../src/metrics/dashboard-summary.ts";
import type { EventsOverview, RecentEvent } from "../../../src/events/event-views.ts";
import type { ShopperProfile } from "../../../src/profile/shopper-profile.ts";
import type { CampaignSummary } from "../../../src/propagation/edge-store.ts";
import type { PropagationReport } from "../../../src/propagation/report.ts";
import type { ExperimentAuditRecord } from "../../../src/experiments/experiment-audit.ts";
import type { ExperimentConfig, experimentDraftSchema } from "../../../src/experiments/experiment-config.ts";
import type { ExperimentResults } from "../../../src/experiments/results.ts";
import type { ErrorCode } from "../../../src/error-codes.ts";
import type { AuditRecord } from "../../../src/sales/audit-log.ts";
import type { ConsolePhase } from "../../../src/sales/phase.ts";
import type { SaleConfig, saleDraftSchema, saleUpdateSchema } from "../../../src/sales/sale-config.ts";
import type { SkuSnapshot } from "../../../src/sales/snapshot.ts";
import type { StaffIdentity } from "../../../src/staff/identity.ts";
import type { Store } from "../../../src/stores/store.ts";
import type { TeamCampaign, teamCampaignDraftSchema } from "../../../src/teams/team-campaign.ts";
import type { Livestream, livestreamDraftSchema } from "../../../src/livestreams/livestream.ts";
import type { sequenceDraftSchema } from "../../../src/sequences/sequence.ts";
import type { boardSettingsDraftSchema } from "../../../src/advisers/board-settings.ts";
import type { z } from "zod";
import type { ClaimsReport } from "../../../src/membership/claims-report.ts";
import type { TierConfig, tierConfigDraftSchema } from "../../../src/membership/tier-config.ts";

export type {
  Store,
  AuditRecord,
  ConsolePhase,
  CouponTemplate,
  DashboardSummary,
  ExperimentAuditRecord,
  ExperimentConfig,
  EventsOverview,
  ExperimentResults,
  PropagationReport,
  RecentEvent,
  SaleConfig,
  ShopperProfile,
  SkuSnapshot,
  StaffIdentity,
  TeamCampaign,
  Livestream,
};

/** A new experiment as the console sends it (`POST /experiments`); an edit adds `expectedVersion`. */
export type ExperimentDraftInput = z.input<typeof experimentDraftSchema>;

/** `GET /experiments`. */
export interface ExperimentList {
  experiments: ExperimentConfig[];
}

/** Every experiment save: create, update, start, stop. */
export interface ExperimentSaved {
  experiment: ExperimentConfig;
}

/** A new coupon template as the console sends it (`POST /coupons`, issue 14); an edit adds `expectedVersion`. */
export type CouponDraftInput = z.input<typeof couponDraftSchema>;

/** A template's pool, read from its CouponPool object. */
export interface CouponPoolFigures {
  /** The pool: the template's `totalQuantity`. */
  quantity: number;
  claimed: number;
  /** Held by unpaid orders. */
  held: number;
  /** Spent by paid orders. */
  used: number;
  /** used ÷ claimed; null before the first claim. */
  redemptionRate: number | null;
}

/** One template of `GET /coupons`, and what every coupon save answers. */
export interface CouponTemplateFigures {
  template: CouponTemplate;
  pool: CouponPoolFigures;
}

/** `GET /coupons`. */
export interface CouponList {
  coupons: CouponTemplateFigures[];
}

/** `GET /coupons/:id/history`: saved versions, newest first. */
export interface CouponHistory {
  id: string;
  versions: CouponTemplate[];
}

/** One change of `GET /coupons/:id/audit`, newest first. */
export interface CouponAuditEntry {
  id: number;
  at: number;
  actor: string;
  action: "create" | "update";
  version: number;
  before: CouponTemplate | null;
  after: CouponTemplate;
}

/** `GET /coupons/:id/audit`. */
export interface CouponAuditTrail {
  entries: CouponAuditEntry[];
}

/** A new team campaign as the console sends it (`POST /team-campaigns`, issue 14); an edit adds `expectedVersion`. */
export type TeamCampaignDraftInput = z.input<typeof teamCampaignDraftSchema>;

/** A campaign's figures, read from its roster object. */
export interface TeamCampaignFigures {
  teamsStarted: number;
  /** Still filling. */
  teamsOpen: number;
  teamsCompleted: number;
  /** Ran out of time: granted nothing. */
  teamsExpired: number;
  /** Shoppers in the campaign's teams, leaders included. */
  members: number;
  /** Share coupons issued. */
  couponsGranted: number;
  /** Their total, fen. */
  grantedAmount: number;
}

/** One campaign of `GET /team-campaigns`, and what every save answers. */
export interface TeamCampaignWithFigures {
  campaign: TeamCampaign;
  figures: TeamCampaignFigures;
}

/** `GET /team-campaigns`. */
export interface TeamCampaignList {
  campaigns: TeamCampaignWithFigures[];
}

/** `GET /team-campaigns/:id/history`: saved versions, newest first. */
export interface TeamCampaignHistory {
  id: string;
  versions: TeamCampaign[];
}

/** One change of `GET /team-campaigns/:id/audit`, newest first. */
export interface TeamCampaignAuditEntry {
  id: number;
  at: number;
  actor: string;
  action: "create" | "update";
  version: number;
  before: TeamCampaign | null;
  after: TeamCampaign;
}

/** `GET /team-campaigns/:id/audit`. */
export interface TeamCampaignAuditTrail {
  entries: TeamCampaignAuditEntry[];
}

/** A new sale as the console sends it (`POST /sales`): the server fills in the defaults. */
export type SaleDraftInput = z.input<typeof saleDraftSchema>;
/** A full update (`PUT /sales/:sku`): the draft and the version it was edited from. */
export type SaleUpdateInput = z.input<typeof saleUpdateSchema>;

/** The SKU object's outbox: changes not yet in Postgres, and those it refused (parked). */
export interface OutboxState {
  pending: number;
  deadLettered: number;
}

/** A running sale as its SKU object sees it (the server's `Omit<SkuAdminView, "config">`). */
export interface LiveSale {
  snapshot: SkuSnapshot;
  /** Orders ever placed: successive readings give orders per second. */
  ordersPlaced: number;
  giftsGiven: Record<string, number>;
  outbox: OutboxState;
}

/** One sale of `GET /sales` and `GET /sales/:sku` (the server's AdminSale). */
export interface AdminSale {
  phase: ConsolePhase;
  sale: SaleConfig;
  /** Below `sale.version` while KV catches up with a save; null when KV has none. */
  kvVersion: number | null;
  /** null when the SKU object could not be read. */
  live: LiveSale | null;
}

/** `GET /sales`. */
export interface SalesList {
  serverTime: number;
  sales: AdminSale[];
}

/** Every save: create, update, pause, resume (the server's SaleSaved). */
export interface SaleSaved {
  sale: SaleConfig;
  snapshot: SkuSnapshot;
  /** false when there was nothing to change (pausing a paused sale). */
  changed: boolean;
}

/** `GET /sales/:sku/history`: saved versions, newest first. */
export interface SaleHistory {
  sku: string;
  versions: SaleConfig[];
}

/** `GET /audit`: newest first. */
export interface AuditTrail {
  entries: AuditRecord[];
}

/** An outbox change Postgres refused for its data (the object's DeadLetter): never the row itself. */
export interface DeadLetter {
  seq: number;
  orderId: string;
  reason: string | null;
  failure: DatabaseFailure;
  parkedAt: number;
}

/** `GET /sales/:sku/dead-letters`. */
export interface DeadLetters {
  sku: string;
  total: number;
  deadLetters: DeadLetter[];
}

/** `POST /sales/:sku/dead-letters/retry`: what was put back, and what Postgres refused again. */
export interface DeadLettersRetried {
  sku: string;
  requeued: number;
  deadLettered: number;
  outboxPending: number;
}

/** `GET /shoppers/:id/events` (issue 13): the shopper's latest events, newest first. */
export interface ShopperEvents {
  shopperId: string;
  events: RecentEvent[];
}

/** The store-coupon figures (issue 15): `GET /store-coupons/stats`, `/livestreams/{id}/stats`, `/stores/{id}/stats`. */
export type { LivestreamReport, StoreCouponReport, StoreReport } from "../../../src/store-coupons/report.ts";

/** `GET /propagation` (issue 14): the campaigns with propagation edges, most recently active first. */
export interface PropagationCampaigns {
  campaigns: CampaignSummary[];
}

/**
 * `GET /me` (staff sign-in, issue 11): who the credential in use belongs to. `POST /session`
 * answers the same, for the account it has just signed in (its cookie is HttpOnly, unseen here).
 */
export interface Me {
  staff: StaffIdentity;
}

/**
 * A refusal: the API's `{ error: { code, message, ...details } }`, or the console's own
 * `network` (no answer) and `http` (an answer without that body), with the details the
 * console acts on.
 */
export interface ApiProblem {
  code: ErrorCode | "network" | "http";
  message: string;
  /** Each "path: message", for the field of that path. */
  problems?: string[];
  /** On a conflict or a half-done save: the version the sale has now. */
  version?: number;
  /** On `rate_limited`: seconds until a sign-in is taken again (`retryAfter`, or the Retry-After header). */
  retryAfter?: number;
}

/** Stores (issue 15): GET /admin/api/stores. */
export interface StoreList {
  stores: Store[];
}

/** One store: GET, POST, PUT /admin/api/stores…. */
export interface StoreRecord {
  store: Store;
}

/** POST /admin/api/stores/{id}/deactivate. */
export interface StoreDeactivated {
  store: Store;
  changed: boolean;
}

/** POST /admin/api/stores/import: the ids, by what the import did to each. */
export interface StoreImport {
  created: string[];
  updated: string[];
  unchanged: string[];
}

/** A store staff token's record, never the token nor its hash. */
export interface StoreStaffToken {
  id: string;
  storeId: string;
  label: string;
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
}

export interface StoreStaffTokens {
  tokens: StoreStaffToken[];
}

/** POST /admin/api/stores/{id}/staff-tokens: `secret` is the token text, shown once. */
export interface StoreStaffTokenIssued {
  token: StoreStaffToken;
  secret: string;
}

export interface StoreStaffTokenRevoked {
  token: StoreStaffToken;
  changed: boolean;
}

/** GET /admin/api/stores/{id}/audit: a store's changes (before and after) and its tokens' issues and revocations. */
export interface StoreAuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  version: number;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
}

export interface StoreAuditTrail {
  entries: StoreAuditEntry[];
}

/** A new livestream as the console sends it (`POST /livestreams`, issue 15); an edit adds `expectedVersion`. */
export type LivestreamDraftInput = z.input<typeof livestreamDraftSchema>;
/** What the Follow-ups form sends to create or edit a sequence (issue 17). */
export type SequenceDraftInput = z.input<typeof sequenceDraftSchema>;

/** `POST /livestreams`, `PUT /livestreams/:id`, `GET /livestreams/:id`. */
export interface LivestreamSaved {
  livestream: Livestream;
}

/** `GET /livestreams`. */
export interface LivestreamList {
  livestreams: Livestream[];
}

/** `GET /livestreams/:id/history`: saved versions, newest first. */
export interface LivestreamHistory {
  id: string;
  versions: Livestream[];
}

/** `GET /livestreams/:id/audit`, newest first. */
export interface LivestreamAuditTrail {
  entries: Array<{
    id: number;
    at: number;
    actor: string;
    action: "create" | "update";
    version: number;
    before: Livestream | null;
    after: Livestream;
  }>;
}

/** GET /admin/api/invoices (issue 16): shoppers' invoice uploads and the totals by status. */
export interface AdminInvoiceUploads {
  uploads: {
    id: string;
    shopperId: string;
    status: "queued" | "accepted" | "refused";
    method: "qr" | "pdf" | "ocr" | null;
    contentType: string;
    byteSize: number;
    invoiceKey: string | null;
    amount: number | null;
    points: number;
    refusal: { code: string; message: string } | null;
    attempts: number;
    createdAt: number;
    decidedAt: number | null;
  }[];
  totals: { queued: number; accepted: number; refused: number; points: number };
}
/** The member tiers (issue 16): `GET /membership/tiers`, `PUT /membership/tiers`. */
export type MemberTiers = TierConfig;
/** The tier document as the console sends it (the save adds `expectedVersion`). */
export type MemberTiersDraft = z.input<typeof tierConfigDraftSchema>;
export interface MemberTiersSaved {
  tiers: TierConfig;
}
/** `GET /membership/tiers/history`. */
export interface MemberTiersHistory {
  id: string;
  versions: TierConfig[];
}
/** `GET /membership/tiers/audit`. */
export interface MemberTiersAuditTrail {
  entries: Array<{
    id: number;
    at: number;
    actor: string;
    action: "create" | "update";
    version: number;
    before: TierConfig | null;
    after: TierConfig;
  }>;
}
/** `GET /members/{id}`. */
export interface MemberLookup {
  shopperId: string;
  tier: string | null;
  tierName: { "zh-CN": string; en: string } | null;
  spend12m: number;
  points12m: number;
  next: { tier: string; spendToGo: number | null; pointsToGo: number | null; percent: number } | null;
  protectionDays: number;
  pointsMultiplierPercent: number;
  tierSince: number | null;
  recomputedAt: number | null;
  grants: Array<{ kind: string; source: string; tier: string | null; key: string; at: number }>;
}
/** `GET /price-protection/claims`. */
export type PriceProtectionReport = ClaimsReport & { timeZone: string };
/** Points & refunds (issue 16): a shopper's points statement, and an order's refunds as recorded. */
export type { PointsStatement } from "../../../src/membership/points-statement.ts";
export type { OrderRefund };
export interface OrderRefunds {
  orderId: string;
  refunds: OrderRefund[];
}
/** The advisers' response-time board (issue 17): `GET /adviser-board`. */
export type { BoardReport as AdviserBoard } from "../../../src/advisers/board-report.ts";
/** `GET` and `PUT /adviser-board/settings`. */
export type { BoardSettings as AdviserBoardSettings } from "../../../src/advisers/board-settings.ts";
/** The settings as the console sends them (the save adds `expectedVersion`). */
export type AdviserBoardSettingsDraft = z.input<typeof boardSettingsDraftSchema>;
