/**
 * Who staff are and what each kind may do (issue 11). One table: admin routes declare the
 * capability they need (`admits`), the OpenAPI document lists the roles each route admits,
 * and the console hides what the signed-in role may not do, all from ADMITS.
 */
export const ROLES = ["owner", "marketer", "analyst", "store_staff", "adviser", "integration"] as const;
export type Role = (typeof ROLES)[number];

/** What each role is for, for the console and the README. */
export const ROLE_MEANINGS: Record<Role, string> = {
  owner: "everything, including staff accounts and API keys; ADMIN_TOKEN acts as an owner",
  marketer: "configures sales and promotions and reads their figures",
  analyst: "reads sales, figures, reconciliation and the audit log; changes nothing",
  store_staff: "works the tills of the stores named on the account",
  adviser: "serves shoppers one to one (follow-ups, conversations)",
  integration: "a system (a CRM, a data warehouse) calling the admin API with an API key",
};

/** Each admin capability and the roles it admits. */
export const ADMITS = {
  /** Who is signed in, and signing out: every role. */
  self: ROLES,
  readSales: ["owner", "marketer", "analyst", "integration"],
  editSales: ["owner", "marketer"],
  readAudit: ["owner", "marketer", "analyst"],
  reconcile: ["owner", "marketer", "analyst"],
  readDeadLetters: ["owner", "marketer", "analyst"],
  retryDeadLetters: ["owner", "marketer"],
  manageStaff: ["owner"],
  /**
   * Shoppers' profiles and events, and the events pipeline's health (issue 13): personal data,
   * so the people who look after shoppers and sales, not systems (an integration gets its own
   * capability when a CRM needs one).
   */
  readShoppers: ["owner", "marketer", "analyst", "adviser"],
  /** A/B experiments, their results and statistics (issue 13): reading only. */
  readExperiments: ["owner", "marketer", "analyst", "integration"],
  /** Creating, editing, starting and stopping A/B experiments (issue 13). */
  editExperiments: ["owner", "marketer"],
  /**
   * The live dashboard's figures (issue 13): latency, checkouts, orders, payments, coupons and
   * stock, aggregated, no shopper in them. People watching a sale; a system scrapes /metrics.
   */
  readMetrics: ["owner", "marketer", "analyst"],
  /**
   * Refunding paid orders (issue 16): money leaves the shop, so the owner alone; marketers
   * configure promotions and advisers serve shoppers, neither moves money.
   */
  refundOrders: ["owner"],
  /** The CRM's webhook configuration and deliveries (issue 16): what was told to the CRM, when. */
  readCrm: ["owner", "marketer", "analyst"],
  /** The CRM's webhook endpoint and events, and sending a dead webhook again (issue 16). */
  editCrm: ["owner", "marketer"],
  /** CRM API keys (issue 16): they grant points and benefits, so only an owner creates and revokes them. */
  manageCrmKeys: ["owner"],
  /**
   * The advisers' response-time board (issue 17): response times per adviser and who is waiting
   * now. Advisers see it too: the live board is theirs to act on.
   */
  readAdviserBoard: ["owner", "marketer", "analyst", "adviser"],
  /** The board's business hours and first-response SLA (issue 17). */
  editAdviserBoard: ["owner", "marketer"],
  /** RFM segments (issue 17): sizes, movement, runs and a segment's CSV export (shopper ids: not for systems). */
  readSegments: ["owner", "marketer", "analyst"],
  /** Recomputing the RFM segments now (issue 17): writes every shopper's scores and follow-up triggers. */
  runSegments: ["owner", "marketer"],
  /** Follow-up sequences and their figures (issue 17): advisers read what their shoppers are sent. */
  readFollowUps: ["owner", "marketer", "analyst", "adviser"],
  /** Building and editing follow-up sequences (issue 17): marketers, as with every promotion. */
  editFollowUps: ["owner", "marketer"],
  /** Adviser chat (issue 17): an adviser's own conversations, with the shopper's profile beside them; an owner sees every one. */
  serveShoppers: ["owner", "adviser"],
  /** The advisers' roster and shifts (issue 17): who serves shoppers, and whose shoppers move when one leaves. */
  manageAdvisers: ["owner"],
  /** Lookalike audiences (issue 18): their seeds, sizes and hashed exports for ad platforms; not for systems. */
  readAudiences: ["owner", "marketer", "analyst"],
  /** Creating lookalike audiences (issue 18): marketers, as with every campaign. */
  editAudiences: ["owner", "marketer"],
  /** Ad campaigns, their creatives and exported creative sets (issue 18): reading only. */
  readAds: ["owner", "marketer", "analyst"],
  /** Creating and editing ad campaigns and uploading creative images (issue 18): marketers, as with every promotion. */
  editAds: ["owner", "marketer"],
  /** Issue 18: the recommender's model versions, their metrics and CTR per arm (no shopper in them). */
  readRecs: ["owner", "marketer", "analyst", "integration"],
  /** Issue 18: uploading a model version, activating one, rolling back: what every shopper is shown, so people (the trainer publishes with ADMIN_TOKEN). */
  editRecs: ["owner", "marketer"],
  /** Issue 19: demand forecasts, their backtests and stock recommendations (no shopper in them). */
  readForecasts: ["owner", "marketer", "analyst"],
  /** Issue 19: queueing a forecast run now (the daily run needs nobody). */
  editForecasts: ["owner", "marketer"],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof ADMITS;

/** Whether a role may use a capability. */
export function may(role: Role, capability: Capability): boolean {
  return (ADMITS[capability] as readonly Role[]).includes(role);
}
