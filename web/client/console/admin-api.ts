import type { RecCtrBody, RecModelsBody } from "./recommendation-types.ts";
import type { AdCampaignReport } from "../../../src/ads/ctr.ts";
import type { Sequence } from "../../../src/sequences/sequence.ts";
import type { SequenceFigures } from "../../../src/sequences/sequence-figures.ts";
import type {
  ApiProblem,
  AuditTrail,
  CouponAuditTrail,
  CouponDraftInput,
  CouponHistory,
  CouponList,
  CouponTemplateFigures,
  DashboardSummary,
  DeadLetters,
  DeadLettersRetried,
  EventsOverview,
  ExperimentDraftInput,
  ExperimentList,
  ExperimentResults,
  ExperimentSaved,
  LivestreamReport,
  Me,
  PropagationCampaigns,
  PropagationReport,
  SaleDraftInput,
  SaleHistory,
  SaleSaved,
  SalesList,
  SaleUpdateInput,
  ShopperEvents,
  StoreAuditTrail,
  StoreDeactivated,
  StoreImport,
  StoreList,
  StoreRecord,
  StoreStaffTokenIssued,
  StoreStaffTokenRevoked,
  StoreStaffTokens,
  ShopperProfile,
  StoreCouponReport,
  StoreReport,
  TeamCampaignAuditTrail,
  LivestreamAuditTrail,
  LivestreamDraftInput,
  LivestreamHistory,
  LivestreamList,
  LivestreamSaved,
  MemberLookup,
  MemberTiersAuditTrail,
  MemberTiersDraft,
  MemberTiersHistory,
  MemberTiersSaved,
  PriceProtectionReport,
  TeamCampaignDraftInput,
  TeamCampaignHistory,
  TeamCampaignList,
  TeamCampaignWithFigures,
} from "./api-types.ts";
import type { AdminInvoiceUploads } from "./api-types.ts";
import type { AdviserBoard, AdviserBoardSettings, AdviserBoardSettingsDraft } from "./api-types.ts";
import type { OrderRefund, OrderRefunds, PointsStatement } from "./api-types.ts";
import type { SequenceDraftInput } from "./api-types.ts";
import type {
  AdCampaignAuditTrail,
  AdCampaignDraftInput,
  AdCampaignHistory,
  AdCampaignList,
  AdCampaignSaved,
  AdImageDetail,
  AdImageList,
  AdImageUploaded,
} from "./ads-types.ts";
import { credentials } from "./credentials.ts";
import type { CrmDeliveries, CrmKeyCreated, CrmKeys, CrmWebhooks } from "./crm-types.ts";
import type { Download, SegmentOverview, SegmentRunResult, ShopperScores } from "./segment-types.ts";
import type { AudienceList, AudienceView } from "./audience-types.ts";
import type { ForecastList, ForecastRecord, ForecastRunView } from "./forecast-types.ts";
import type {
  AdviserConversation,
  AdviserRoster,
  AdviserSaved,
  ChatSent,
  ConversationInbox,
  ConversationStatusChange,
  StaffAccounts,
  WecomUserLinked,
} from "./adviser-types.ts";

/** An answer of /admin/api: the typed body, or the refusal. */
export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ApiProblem };

/**
 * `quiet`: a refusal is the caller's alone, not an event (ApiEvents). Asking who is signed in
 * and signing in and out are quiet: no cookie yet is the usual answer on load, and a wrong
 * password is no sign-out.
 */
interface CallOptions {
  quiet?: boolean;
  /** The body is this CSV text, sent as text/csv (the stores' import), not JSON. */
  csv?: boolean;
  /** More headers (a refund's Idempotency-Key). */
  headers?: Record<string, string>;
}

/** What the console hears of any call, whoever made it. */
export interface ApiEvents {
  /** The credential is wrong or gone (401), or admin closed: why, to show on the sign-in panel. */
  signedOut(reason: string): void;
  /** A role refused (403 `forbidden`): the caller shows the message; the console reads the role again, it may have changed. */
  forbidden(): void;
}

/**
 * The console's client of /admin/api, one typed method per endpoint the console uses. A
 * token sign-in (ADMIN_TOKEN, an API key) sends it as a bearer on every call, with the
 * marketer's name for the audit log; a staff session sends nothing of its own: the browser
 * adds the HttpOnly `fs_staff` cookie to these same-origin calls.
 */
export class AdminApi {
  private readonly events: ApiEvents;

  constructor(events: ApiEvents) {
    this.events = events;
  }

  me = () => this.call<Me>("GET", "/me", undefined, { quiet: true });
  startSession = (email: string, password: string) => this.call<Me>("POST", "/session", { email, password }, { quiet: true });
  endSession = () => this.call<null>("DELETE", "/session", undefined, { quiet: true });
  sales = () => this.call<SalesList>("GET", "/sales");
  create = (draft: SaleDraftInput) => this.call<SaleSaved>("POST", "/sales", draft);
  update = (sku: string, update: SaleUpdateInput) => this.call<SaleSaved>("PUT", `/sales/${encodeURIComponent(sku)}`, update);
  setPaused = (sku: string, paused: boolean) =>
    this.call<SaleSaved>("POST", `/sales/${encodeURIComponent(sku)}/${paused ? "pause" : "resume"}`);
  history = (sku: string) => this.call<SaleHistory>("GET", `/sales/${encodeURIComponent(sku)}/history`);
  audit = (sku: string | null) => this.call<AuditTrail>("GET", `/audit${sku ? `?sku=${encodeURIComponent(sku)}` : ""}`);
  deadLetters = (sku: string) => this.call<DeadLetters>("GET", `/sales/${encodeURIComponent(sku)}/dead-letters`);
  retryDeadLetters = (sku: string) => this.call<DeadLettersRetried>("POST", `/sales/${encodeURIComponent(sku)}/dead-letters/retry`);
  shopperProfile = (id: string) => this.call<ShopperProfile>("GET", `/shoppers/${encodeURIComponent(id)}/profile`);
  shopperEvents = (id: string) => this.call<ShopperEvents>("GET", `/shoppers/${encodeURIComponent(id)}/events?limit=50`);
  eventsOverview = () => this.call<EventsOverview>("GET", "/events/overview");
  /** The CRM view (issue 16). */
  crmWebhooks = () => this.call<CrmWebhooks>("GET", "/crm/webhooks");
  saveCrmWebhooks = (body: { url: string | null; events: string[]; expectedVersion: number }) =>
    this.call<{ config: CrmWebhooks["config"] }>("PUT", "/crm/webhooks", body);
  crmDeliveries = (status: string) => this.call<CrmDeliveries>("GET", `/crm/deliveries?limit=100${status ? `&status=${status}` : ""}`);
  resendCrmWebhook = (id: string) => this.call<{ id: string }>("POST", `/crm/deliveries/${encodeURIComponent(id)}/resend`);
  crmKeys = () => this.call<CrmKeys>("GET", "/crm/keys");
  createCrmKey = (label: string, scopes: string[]) => this.call<CrmKeyCreated>("POST", "/crm/keys", { label, scopes });
  revokeCrmKey = (id: string) => this.call<{ key: CrmKeys["keys"][number] }>("DELETE", `/crm/keys/${encodeURIComponent(id)}`);
  propagationCampaigns = () => this.call<PropagationCampaigns>("GET", "/propagation");
  propagationReport = (campaign: string) => this.call<PropagationReport>("GET", `/propagation/${encodeURIComponent(campaign)}`);
  /** The store-coupon figures (issue 15) over `window` (`from`, `to`, `bucket` as the routes take them). */
  storeCouponStats = (window: string) => this.call<StoreCouponReport>("GET", `/store-coupons/stats?${window}`);
  invoiceUploads = (query: string) => this.call<AdminInvoiceUploads>("GET", `/invoices?${query}`);
  /** Issue 18, part B: an ad campaign's CTR report. */
  adCampaignReport = (id: string) => this.call<AdCampaignReport>("GET", `/ad-campaigns/${encodeURIComponent(id)}/report`);
  livestreamStats = (id: string, window: string) =>
    this.call<LivestreamReport>("GET", `/livestreams/${encodeURIComponent(id)}/stats?${window}`);
  storeStats = (id: string, window: string) => this.call<StoreReport>("GET", `/stores/${encodeURIComponent(id)}/stats?${window}`);
  experiments = () => this.call<ExperimentList>("GET", "/experiments");
  createExperiment = (draft: ExperimentDraftInput) => this.call<ExperimentSaved>("POST", "/experiments", draft);
  updateExperiment = (key: string, draft: ExperimentDraftInput, expectedVersion: number) =>
    this.call<ExperimentSaved>("PUT", `/experiments/${encodeURIComponent(key)}`, { ...draft, expectedVersion });
  moveExperiment = (key: string, action: "start" | "stop") =>
    this.call<ExperimentSaved>("POST", `/experiments/${encodeURIComponent(key)}/${action}`);
  experimentResults = (key: string) => this.call<ExperimentResults>("GET", `/experiments/${encodeURIComponent(key)}/results`);
  coupons = () => this.call<CouponList>("GET", "/coupons");
  /** Follow-up sequences (issue 17). */
  sequences = () => this.call<{ sequences: Sequence[] }>("GET", "/sequences");
  createSequence = (draft: SequenceDraftInput) => this.call<{ sequence: Sequence }>("POST", "/sequences", draft);
  updateSequence = (id: string, draft: SequenceDraftInput, expectedVersion: number) =>
    this.call<{ sequence: Sequence }>("PUT", `/sequences/${encodeURIComponent(id)}`, { ...draft, expectedVersion });
  sequenceFigures = (id: string) => this.call<{ figures: SequenceFigures }>("GET", `/sequences/${encodeURIComponent(id)}/figures`);
  sequenceAudit = (id: string) =>
    this.call<{
      entries: Array<{
        id: number;
        at: number;
        actor: string;
        action: "create" | "update";
        version: number;
        before: Sequence | null;
        after: Sequence;
      }>;
    }>("GET", `/sequences/${encodeURIComponent(id)}/audit`);
  sequenceHistory = (id: string) => this.call<{ id: string; versions: Sequence[] }>("GET", `/sequences/${encodeURIComponent(id)}/history`);
  createCoupon = (draft: CouponDraftInput) => this.call<CouponTemplateFigures>("POST", "/coupons", draft);
  updateCoupon = (id: string, draft: CouponDraftInput, expectedVersion: number) =>
    this.call<CouponTemplateFigures>("PUT", `/coupons/${encodeURIComponent(id)}`, { ...draft, expectedVersion });
  couponHistory = (id: string) => this.call<CouponHistory>("GET", `/coupons/${encodeURIComponent(id)}/history`);
  couponAudit = (id: string) => this.call<CouponAuditTrail>("GET", `/coupons/${encodeURIComponent(id)}/audit`);
  livestreams = () => this.call<LivestreamList>("GET", "/livestreams");
  createLivestream = (draft: LivestreamDraftInput) => this.call<LivestreamSaved>("POST", "/livestreams", draft);
  updateLivestream = (id: string, draft: LivestreamDraftInput, expectedVersion: number) =>
    this.call<LivestreamSaved>("PUT", `/livestreams/${encodeURIComponent(id)}`, { ...draft, expectedVersion });
  livestreamHistory = (id: string) => this.call<LivestreamHistory>("GET", `/livestreams/${encodeURIComponent(id)}/history`);
  livestreamAudit = (id: string) => this.call<LivestreamAuditTrail>("GET", `/livestreams/${encodeURIComponent(id)}/audit`);
  memberTiers = () => this.call<MemberTiersSaved>("GET", "/membership/tiers");
  saveMemberTiers = (draft: MemberTiersDraft, expectedVersion: number) =>
    this.call<MemberTiersSaved>("PUT", "/membership/tiers", { ...draft, expectedVersion });
  memberTiersHistory = () => this.call<MemberTiersHistory>("GET", "/membership/tiers/history");
  memberTiersAudit = () => this.call<MemberTiersAuditTrail>("GET", "/membership/tiers/audit");
  member = (id: string) => this.call<MemberLookup>("GET", `/members/${encodeURIComponent(id)}`);
  /** The advisers' response-time board (issue 17) over `window` (`from`, `to`). */
  adviserBoard = (window: string) => this.call<AdviserBoard>("GET", `/adviser-board?${window}`);
  adviserBoardSettings = () => this.call<{ settings: AdviserBoardSettings }>("GET", "/adviser-board/settings");
  saveAdviserBoardSettings = (draft: AdviserBoardSettingsDraft, expectedVersion: number) =>
    this.call<{ settings: AdviserBoardSettings }>("PUT", "/adviser-board/settings", { ...draft, expectedVersion });
  priceProtectionClaims = (query: string) => this.call<PriceProtectionReport>("GET", `/price-protection/claims?${query}`);
  teamCampaigns = () => this.call<TeamCampaignList>("GET", "/team-campaigns");
  createTeamCampaign = (draft: TeamCampaignDraftInput) => this.call<TeamCampaignWithFigures>("POST", "/team-campaigns", draft);
  updateTeamCampaign = (id: string, draft: TeamCampaignDraftInput, expectedVersion: number) =>
    this.call<TeamCampaignWithFigures>("PUT", `/team-campaigns/${encodeURIComponent(id)}`, { ...draft, expectedVersion });
  teamCampaignHistory = (id: string) => this.call<TeamCampaignHistory>("GET", `/team-campaigns/${encodeURIComponent(id)}/history`);
  teamCampaignAudit = (id: string) => this.call<TeamCampaignAuditTrail>("GET", `/team-campaigns/${encodeURIComponent(id)}/audit`);
  metricsSummary = () => this.call<DashboardSummary>("GET", "/metrics/summary");
  stores = () => this.call<StoreList>("GET", "/stores");
  createStore = (store: Record<string, unknown>) => this.call<StoreRecord>("POST", "/stores", store);
  updateStore = (id: string, store: Record<string, unknown>) => this.call<StoreRecord>("PUT", `/stores/${encodeURIComponent(id)}`, store);
  deactivateStore = (id: string) => this.call<StoreDeactivated>("POST", `/stores/${encodeURIComponent(id)}/deactivate`);
  importStores = (csv: string) => this.call<StoreImport>("POST", "/stores/import", csv, { csv: true });
  storeTokens = (id: string) => this.call<StoreStaffTokens>("GET", `/stores/${encodeURIComponent(id)}/staff-tokens`);
  issueStoreToken = (id: string, label: string) =>
    this.call<StoreStaffTokenIssued>("POST", `/stores/${encodeURIComponent(id)}/staff-tokens`, { label });
  storeAudit = (id: string) => this.call<StoreAuditTrail>("GET", `/stores/${encodeURIComponent(id)}/audit`);
  revokeStoreToken = (id: string, tokenId: string) =>
    this.call<StoreStaffTokenRevoked>("DELETE", `/stores/${encodeURIComponent(id)}/staff-tokens/${encodeURIComponent(tokenId)}`);

  shopperPoints = (id: string) => this.call<PointsStatement>("GET", `/shoppers/${encodeURIComponent(id)}/points`);
  orderRefunds = (id: string) => this.call<OrderRefunds>("GET", `/orders/${encodeURIComponent(id)}/refunds`);
  refundOrder = (id: string, refund: { amount: number; units: number; reason: string }, idempotencyKey: string) =>
    this.call<{ refund: OrderRefund }>("POST", `/orders/${encodeURIComponent(id)}/refunds`, refund, {
      headers: { "Idempotency-Key": idempotencyKey },
    });

  /** RFM segments (issue 17): sizes and movement, a run now, a shopper's scores, a segment's CSV. */
  segments = () => this.call<SegmentOverview>("GET", "/segments");
  runSegments = (idempotencyKey: string) =>
    this.call<SegmentRunResult>("POST", "/segments/runs", undefined, { headers: { "Idempotency-Key": idempotencyKey } });
  segmentScores = (id: string) => this.call<ShopperScores>("GET", `/segments/shoppers/${encodeURIComponent(id)}`);
  segmentCsv = (segment: string) => this.download(`/segments/${encodeURIComponent(segment)}/export.csv`);
  /** Lookalike audiences (issue 18): the list, a create (one Idempotency-Key per press), a built one's hashed CSV. */
  audiences = () => this.call<AudienceList>("GET", "/audiences");
  createAudience = (body: unknown, idempotencyKey: string) =>
    this.call<AudienceView>("POST", "/audiences", body, { headers: { "Idempotency-Key": idempotencyKey } });
  audienceCsv = (id: string) => this.download(`/audiences/${encodeURIComponent(id)}/export.csv`);
  /** Demand forecasts (issue 19): each target's newest, one whole, run now (one Idempotency-Key per press), a run's progress. */
  forecasts = () => this.call<ForecastList>("GET", "/forecasts");
  forecast = (kind: string, key: string, serviceLevel?: number) =>
    this.call<ForecastRecord>(
      "GET",
      `/forecasts/${encodeURIComponent(kind)}/${encodeURIComponent(key)}${serviceLevel === undefined ? "" : `?serviceLevel=${serviceLevel}`}`,
    );
  runForecast = (idempotencyKey: string) =>
    this.call<ForecastRunView>("POST", "/forecasts/runs", undefined, { headers: { "Idempotency-Key": idempotencyKey } });
  forecastRun = (id: string) => this.call<ForecastRunView>("GET", `/forecasts/runs/${encodeURIComponent(id)}`);

  /** Recommendations (issue 18, part E): model versions, activate, roll back, CTR per arm. */
  recModels = () => this.call<RecModelsBody>("GET", "/recommendations/models");
  activateRecModel = (version: string) =>
    this.call<{ active: RecModelsBody["active"] }>("POST", `/recommendations/models/${encodeURIComponent(version)}/activate`);
  rollbackRecModel = () => this.call<{ active: RecModelsBody["active"] }>("POST", "/recommendations/models/rollback");
  recCtr = () => this.call<RecCtrBody>("GET", "/recommendations/ctr?days=7");

  /**
   * A file the API answers as an attachment (a segment's CSV), fetched with this console's
   * credential (a bearer token cannot ride on a plain link), named as the API names it.
   */
  private async download(path: string): Promise<ApiResult<Download>> {
    try {
      const response = await fetch(`/admin/api${path}`, { headers: this.authHeaders(), credentials: "same-origin" });
      if (!response.ok) {
        const refusal = problemOf(await response.json().catch(() => null), null);
        return { ok: false, status: response.status, error: refusal ?? { code: "http", message: `HTTP ${response.status}` } };
      }
      const filename = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? "export.csv";
      return { ok: true, status: response.status, data: { blob: await response.blob(), filename } };
    } catch (error) {
      const message = `the storefront did not answer: ${error instanceof Error ? error.message : String(error)}`;
      return { ok: false, status: 0, error: { code: "network", message } };
    }
  }

  /** Adviser chat (issue 17): the inbox, a conversation with the shopper's profile, replies; the roster. */
  conversations = (status: string) => this.call<ConversationInbox>("GET", `/conversations?status=${encodeURIComponent(status)}`);
  conversation = (id: string) => this.call<AdviserConversation>("GET", `/conversations/${encodeURIComponent(id)}`);
  replyToShopper = (id: string, body: string, idempotencyKey: string) =>
    this.call<ChatSent>(
      "POST",
      `/conversations/${encodeURIComponent(id)}/messages`,
      { body },
      { headers: { "Idempotency-Key": idempotencyKey } },
    );
  linkWecomUser = (id: string, userId: string | null) =>
    this.call<WecomUserLinked>("PUT", `/conversations/${encodeURIComponent(id)}/wecom-user`, { userId });
  setConversationStatus = (id: string, action: "resolve" | "reopen") =>
    this.call<ConversationStatusChange>("POST", `/conversations/${encodeURIComponent(id)}/${action}`);
  advisers = () => this.call<AdviserRoster>("GET", "/advisers");
  /** Staff accounts (the owner's): the Advisers view offers those with the adviser role. */
  staffAccounts = () => this.call<StaffAccounts>("GET", "/staff");
  addAdviser = (staffId: string, displayName: string | undefined) =>
    this.call<AdviserSaved>("POST", "/advisers", displayName ? { staffId, displayName } : { staffId });
  setOnShift = (id: string, onShift: boolean) => this.call<AdviserSaved>("PATCH", `/advisers/${encodeURIComponent(id)}`, { onShift });
  removeAdviser = (id: string) => this.call<{ reassigned: number }>("DELETE", `/advisers/${encodeURIComponent(id)}`);
  // Issue 18, part A: ad campaigns and creative images (./ads-types.ts).
  adCampaigns = () => this.call<AdCampaignList>("GET", "/ad-campaigns");
  createAdCampaign = (draft: AdCampaignDraftInput) => this.call<AdCampaignSaved>("POST", "/ad-campaigns", draft);
  updateAdCampaign = (id: string, draft: AdCampaignDraftInput, expectedVersion: number) =>
    this.call<AdCampaignSaved>("PUT", `/ad-campaigns/${encodeURIComponent(id)}`, { ...draft, expectedVersion });
  adCampaignHistory = (id: string) => this.call<AdCampaignHistory>("GET", `/ad-campaigns/${encodeURIComponent(id)}/history`);
  adCampaignAudit = (id: string) => this.call<AdCampaignAuditTrail>("GET", `/ad-campaigns/${encodeURIComponent(id)}/audit`);
  adImages = () => this.call<AdImageList>("GET", "/ad-creatives");
  adImage = (id: string) => this.call<AdImageDetail>("GET", `/ad-creatives/${encodeURIComponent(id)}`);
  uploadAdImage = (name: string, file: string) => this.call<AdImageUploaded>("POST", "/ad-creatives", { name, file });

  /** The credential of a token sign-in (a bearer, and the name its changes are audited under); none for a session cookie. */
  private authHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    const token = credentials.token();
    // No token, no header: a bearer outranks the session cookie, and an empty one would be refused.
    if (token) headers.Authorization = `Bearer ${token}`;
    const actor = credentials.actor();
    // Only the admin token's changes are audited under a typed name; an account is its email.
    // Header values are bytes: a name like 王芳 travels percent-encoded, the API decodes it.
    if (token && actor) headers["X-Admin-Actor"] = encodeURIComponent(actor);
    return headers;
  }

  private async call<T>(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
    options: CallOptions = {},
  ): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { ...options.headers, ...this.authHeaders() };
    if (body !== undefined) headers["Content-Type"] = options.csv ? "text/csv; charset=utf-8" : "application/json";
    let response: Response;
    try {
      // Same-origin credentials (fetch's default, stated because a session depends on it): the cookie goes, to this origin only.
      const init: RequestInit = {
        method,
        headers,
        credentials: "same-origin",
        body: body === undefined ? null : options.csv ? String(body) : JSON.stringify(body),
      };
      response = await fetch(`/admin/api${path}`, init);
    } catch (error) {
      const message = `the storefront did not answer: ${error instanceof Error ? error.message : String(error)}`;
      return { ok: false, status: 0, error: { code: "network", message } };
    }
    const data: unknown = await response.json().catch(() => null);
    const refusal = problemOf(data, response.headers.get("Retry-After"));
    if (response.ok && !refusal) {
      // The API's own answer to this path: its shape is the server's type (see api-types.ts).
      return { ok: true, status: response.status, data: data as T };
    }
    const error = refusal ?? { code: "http", message: `HTTP ${response.status}` };
    if (!options.quiet && (error.code === "unauthorized" || error.code === "admin_closed")) this.events.signedOut(error.message);
    if (!options.quiet && error.code === "forbidden") this.events.forbidden();
    return { ok: false, status: response.status, error };
  }
}

/**
 * The `{ error: { code, message, ...details } }` of a refusal, read without trusting its
 * shape; a wait in seconds comes from its `retryAfter`, else from the Retry-After header.
 */
function problemOf(data: unknown, retryAfterHeader: string | null): ApiProblem | null {
  if (!isRecord(data) || !isRecord(data.error)) return null;
  const { code, message, ...details } = data.error;
  if (typeof code !== "string" || typeof message !== "string") return null;
  const problems = Array.isArray(details.problems) ? details.problems.map(String) : undefined;
  const version = typeof details.version === "number" ? details.version : undefined;
  const retryAfter = seconds(details.retryAfter) ?? seconds(retryAfterHeader);
  return {
    code: code as ApiProblem["code"], // a code this console does not know is still shown by its message
    message,
    ...(problems ? { problems } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  };
}

/** A whole number of seconds (Retry-After's delay form; its date form is not what this API sends). */
function seconds(value: unknown): number | undefined {
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
