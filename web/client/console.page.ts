/**
 * The marketer console (GET /admin, issue 6; typed and bundled since issue 11). It speaks
 * only /admin/api. Staff sign in with their email and password (a staff session: the
 * HttpOnly `fs_staff` cookie, which the browser sends on its own), through Cloudflare
 * Access in front of /admin (no form at all), or with a token: the break-glass ADMIN_TOKEN
 * or an API key, kept in this tab's sessionStorage and sent as a bearer. Once in: the sales
 * by phase, refreshed every 2 s with orders per second from successive readings; the
 * create/edit form with every problem next to its field; per sale pause/resume, top-up,
 * history, audit trail and dead letters; the Shoppers view (a shopper's profile and events
 * by id, the events pipeline's health; issue 13); the Coupons view (templates with their pools'
 * figures, the create/edit form, history and audit; issue 14); the Team red packets view (team-up
 * campaigns with their figures, the create/edit form, history and audit; issue 14); the Propagation
 * view (a campaign's figures, top spreaders and graph; issue 14); the Store coupons view (claimed, redeemed and
 * redemption rate per livestream and per store, redemptions over time; issue 15). The header says who is signed in, and
 * controls the role may not use are hidden (./console/capabilities.ts).
 */
import { may } from "../../src/staff/roles.ts";
import { AdminApi } from "./console/admin-api.ts";
import type { StaffIdentity } from "./console/api-types.ts";
import { showAudit } from "./console/audit-view.ts";
import { RoleGate } from "./console/capabilities.ts";
import { CouponsView } from "./console/coupons-view.ts";
import { CrmView } from "./console/crm-view.ts";
import { credentials } from "./console/credentials.ts";
import { showDeadLetters } from "./console/dead-letters-view.ts";
import { details } from "./console/details.ts";
import { ExperimentEditor } from "./console/experiment-editor.ts";
import { showExperiments } from "./console/experiments-view.ts";
import { byId } from "./console/dom.ts";
import { flash } from "./console/flash.ts";
import { showHistory } from "./console/history-view.ts";
import { OrderRates } from "./console/order-rates.ts";
import { PropagationView } from "./console/propagation-view.ts";
import { setPaused, topUp } from "./console/sale-actions.ts";
import { SaleEditor } from "./console/sale-editor.ts";
import { SalesTable } from "./console/sales-table.ts";
import { ShoppersView } from "./console/shoppers-view.ts";
import { PointsRefundsView } from "./console/points-refunds-view.ts";
import { SignInPanel } from "./console/sign-in-panel.ts";
import { StoreCouponsView } from "./console/store-coupons-view.ts";
import { TeamsView } from "./console/teams-view.ts";
import { StoresView } from "./console/stores-view.ts";
import { LivestreamsView } from "./console/livestreams-view.ts";
import { AdsView } from "./console/ads-view.ts";
import { FollowUpsView } from "./console/follow-ups-view.ts";
import { InvoicesView } from "./console/invoices-view.ts";
import { AdReportView } from "./console/ad-report-view.ts";
import { MemberTiersView } from "./console/member-tiers-view.ts";
import { PriceProtectionView } from "./console/price-protection-view.ts";
import { AdviserBoardView } from "./console/adviser-board-view.ts";
import { SegmentsView } from "./console/segments-view.ts";
import { AudiencesView } from "./console/audiences-view.ts";
import { ForecastView } from "./console/forecast-view.ts";
import { RecommendationsView } from "./console/recommendations-view.ts";
import { AdvisersView } from "./console/advisers-view.ts";
import { ConversationsView } from "./console/conversations-view.ts";
import { passwordRefusal } from "./console/sign-in-problems.ts";
import { whoIsSignedIn } from "./console/signed-in.ts";
import { roleName } from "./console/staff-words.ts";
import { clearWhoami, showWhoami } from "./console/whoami.ts";

const POLL_MS = 2_000;
/** Cloudflare Access's own sign-out, on the shop's domain: it ends the Access session that would sign the console in again. */
const ACCESS_LOGOUT = "/cdn-cgi/access/logout";

const api = new AdminApi({
  // A 401 on any call (the session expired, the account was disabled, the token rotated) or
  // admin closing: back to sign-in, saying why.
  signedOut: (reason) => signOut(`You are signed out: ${reason}`),
  // The view that made the call shows the refusal's message; the role may have changed since sign-in.
  forbidden: () => void rereadRole(),
});
const gate = new RoleGate(document.body);
const rates = new OrderRates();
const refreshNow = () => void refresh();
const editor = new SaleEditor(api, refreshNow);
/** A/B experiments (issue 13): the list, results and the form live in the details panel; a save redraws the list. */
const experimentEditor: ExperimentEditor = new ExperimentEditor(api, () => void showExperiments(api, experimentEditor));
const table = new SalesTable(rates, {
  edit: (sale) => editor.open(sale),
  setPaused: (sale, paused) => void setPaused(api, sale, paused, refreshNow),
  topUp: (sale, input) => void topUp(api, sale, input, refreshNow),
  history: (sale) => void showHistory(api, sale),
  audit: (sku) => void showAudit(api, sku),
  deadLetters: (sale) => void showDeadLetters(api, sale, refreshNow),
});
const shoppers = new ShoppersView(api);
/** Points & refunds (issue 16): a shopper's ledger, and refunding an order (owner). */
const pointsRefunds = new PointsRefundsView(api);
/** Coupon templates (issue 14): their pools' figures, the form, history and audit; opened by "Coupons" (or #coupons, as its language link comes back). */
const coupons = new CouponsView(api);
/** The propagation graph (issue 14): opened by "Propagation" (or #propagation, as its language link comes back). */
const propagation = new PropagationView(api);
/** Team-up red packet campaigns (issue 14): their figures, the form, history and audit; opened by "Team red packets" (or #teams). */
const teams = new TeamsView(api);
/** Store coupons (issue 15): claimed, redeemed and rate per livestream and per store, redemptions over time; opened by "Store coupons" (or #store-coupons). */
const storeCoupons = new StoreCouponsView(api);
/** Invoice uploads (issue 16): status, how each was read, refusals, points; opened by "Invoices" (or #invoices). */
const invoices = new InvoicesView(api);
/** Ad campaign reports (issue 18, part B): CTR per creative and placement; opened by "Ad report", #ad-report, or the Ads view's "Report". */
const adReport = new AdReportView(api);
/** Stores (issue 15): the list, the form, the CSV import and staff tokens; opened by "Stores" (or #stores). */
const stores = new StoresView(api);
/** Livestreams (issue 15): their windows, coupons, stores and claim codes, the form, history and audit; opened by "Livestreams" (or #livestreams). */
const livestreams = new LivestreamsView(api);
/** Follow-up sequences (issue 17): the builder with its preview, and each sequence's figures; opened by "Follow-ups" (or #follow-ups). */
const followUps = new FollowUpsView(api);
/** Member tiers (issue 16): the tier document, its form, history and audit, and the member lookup; opened by "Member tiers" (or #member-tiers). */
const memberTiers = new MemberTiersView(api);
/** Price protection (issue 16): the credits paid and their cost; opened by "Price protection" (or #price-protection). */
const priceProtection = new PriceProtectionView(api);
/** The CRM (issue 16): webhooks, deliveries and API keys; opened by "CRM" (or #crm). */
const crm = new CrmView(api);
/** Response times (issue 17): the advisers' live board and its hours and SLA; opened by "Response times" (or #response-times). */
const adviserBoard = new AdviserBoardView(api);
/** RFM segments (issue 17): sizes, movement, run now, CSV exports; opened by "Segments" (or #segments). */
const segments = new SegmentsView(api);
/** Lookalike audiences (issue 18): create, progress, hashed exports; opened by "Audiences" (or #audiences). */
const audiences = new AudiencesView(api);
/** Demand forecasts (issue 19): targets, a chart with 80/95 % bands, backtest, stock, run now; opened by "Forecast" (or #forecasts). */
const forecasts = new ForecastView(api);
/** Adviser chat (issue 17): the inbox with the shopper's profile, opened by "Conversations" (or #conversations); the roster, by "Advisers" (or #advisers). */
const conversations = new ConversationsView(api);
const advisers = new AdvisersView(api);
/** Ads (issue 18): campaigns, their creatives (uploaded, previewed at every size), history and audit; opened by "Ads" (or #ads). */
const ads = new AdsView(api);
/** Recommendations (issue 18): model versions, activate/roll back, CTR per arm; opened by "Recommendations" (or #recommendations). */
const recommendations = new RecommendationsView(api);
const panel = new SignInPanel({ password: passwordSignIn, token: tokenSignIn });
/** Who the console is signed in as; null while signed out (or not yet known). */
let signedIn: StaffIdentity | null = null;
let poll: ReturnType<typeof setInterval> | undefined;

/** Reads the sales again and redraws. */
async function refresh(): Promise<void> {
  const asked = signedIn;
  if (!asked) return;
  if (!may(asked.role, "readSales")) {
    table.clear(); // lists read under a role it had before (an owner changed it) are not this role's to see
    byId("updated").textContent = `the ${roleName(asked.role).toLowerCase()} role does not read sales`;
    return;
  }
  const result = await api.sales();
  if (signedIn !== asked) return; // signed out (or someone else in) while the answer was on its way
  if (!result.ok) {
    byId("updated").textContent = `could not refresh: ${result.error.message}`;
    return;
  }
  for (const entry of result.data.sales) rates.note(entry);
  table.render(result.data.sales);
  byId("updated").textContent = `live · updated ${new Date().toLocaleTimeString()}`;
}

/** Who is signed in, in the header, and the controls of their role. */
function present(staff: StaffIdentity): void {
  signedIn = staff;
  gate.role = staff.role;
  showWhoami(staff, credentials.token() ? credentials.actor() : null);
}

/** Into the console as `staff`: who they are, their role's controls, the sales. */
function enter(staff: StaffIdentity): void {
  present(staff);
  panel.hide();
  byId("app").hidden = false;
  byId("sign-out").hidden = false;
  void refresh();
  if (location.hash === "#coupons" && may(staff.role, "readSales")) coupons.open();
  if (location.hash === "#propagation" && may(staff.role, "readSales")) propagation.open();
  if (location.hash === "#teams" && may(staff.role, "readSales")) teams.open();
  if (location.hash === "#store-coupons" && may(staff.role, "readSales")) storeCoupons.open();
  if (location.hash === "#stores" && may(staff.role, "readSales")) stores.open();
  if (location.hash === "#livestreams" && may(staff.role, "readSales")) livestreams.open();
  if (location.hash === "#ads" && may(staff.role, "readAds")) ads.open();
  if (location.hash === "#invoices" && may(staff.role, "readShoppers")) invoices.open();
  if (location.hash === "#member-tiers" && may(staff.role, "readSales")) memberTiers.open();
  if (location.hash === "#price-protection" && may(staff.role, "readSales")) priceProtection.open();
  if (location.hash === "#crm" && may(staff.role, "readCrm")) crm.open();
  if (location.hash === "#response-times" && may(staff.role, "readAdviserBoard")) adviserBoard.open();
  if (location.hash === "#segments" && may(staff.role, "readSegments")) segments.open();
  if (location.hash === "#audiences" && may(staff.role, "readAudiences")) audiences.open();
  if (location.hash === "#follow-ups" && may(staff.role, "readFollowUps")) followUps.open();
  if (location.hash === "#conversations" && may(staff.role, "serveShoppers")) conversations.open();
  if (location.hash === "#advisers" && may(staff.role, "manageAdvisers")) advisers.open();
  if (location.hash === "#recommendations" && may(staff.role, "readRecs")) recommendations.open();
  if (location.hash === "#ad-report" && may(staff.role, "readAds")) adReport.open();
  if (location.hash === "#forecasts" && may(staff.role, "readForecasts")) forecasts.open();
  clearInterval(poll);
  // A hidden tab skips its turn: nobody is looking, and the next visible refresh catches up.
  poll = setInterval(() => document.hidden || void refresh(), POLL_MS);
}

/** Back to the sign-in panel, with why (a refused credential, admin closed), or none after "Sign out". */
function signOut(reason: string, options: { offerToken?: boolean } = {}): void {
  credentials.forgetToken();
  signedIn = null;
  clearInterval(poll);
  poll = undefined;
  gate.role = null; // the next credential may be someone else's
  editor.close();
  experimentEditor.close();
  details.close();
  shoppers.close();
  pointsRefunds.close();
  coupons.close();
  propagation.close();
  teams.close();
  storeCoupons.close();
  stores.close();
  livestreams.close();
  ads.close();
  invoices.close();
  adReport.close();
  memberTiers.close();
  priceProtection.close();
  crm.close();
  adviserBoard.close();
  segments.close();
  audiences.close();
  forecasts.close();
  followUps.close();
  conversations.close();
  advisers.close();
  recommendations.close();
  table.clear();
  byId("updated").textContent = "";
  byId("app").hidden = true;
  byId("sign-out").hidden = true;
  clearWhoami();
  panel.show(reason, options);
}

/**
 * After a 403 `forbidden`: an owner may have changed the role since sign-in, and the console
 * still offers the old role's controls. Asks again, and offers what the role may do now.
 */
async function rereadRole(): Promise<void> {
  const result = await whoIsSignedIn(api);
  if (!signedIn) return; // signed out meanwhile
  if (result.ok) present(result.data);
  else if (result.status === 401) signOut(`You are signed out: ${result.error.message}`);
}

/** Signs in with a local account: the API sets the session cookie, and answers whose it is. */
async function passwordSignIn(email: string, password: string): Promise<void> {
  // A stored token would outrank the cookie on every call: this tab is the account's now.
  credentials.forgetToken();
  const result = await api.startSession(email, password);
  if (result.ok) return enter(result.data.staff);
  panel.show(passwordRefusal(result.error), { offerToken: result.error.code === "admin_closed" });
}

/** Signs in with ADMIN_TOKEN or an API key: kept for this tab, then `/me` says whose it is. */
async function tokenSignIn(token: string, actor: string): Promise<void> {
  credentials.save(token, actor);
  const result = await whoIsSignedIn(api);
  if (result.ok) enter(result.data);
  else signOut(result.error.message, { offerToken: true });
}

/**
 * On load: the tab's token if it kept one; else whatever the request carries by itself (a
 * session cookie from an earlier sign-in, a Cloudflare Access assertion), so a signed-in
 * person goes straight in. Nothing to go on (401) is the ordinary case: the panel, no complaint.
 */
async function resume(): Promise<void> {
  const hadToken = credentials.token() !== null;
  const result = await whoIsSignedIn(api);
  if (result.ok) return enter(result.data);
  const ordinary = !hadToken && (result.status === 401 || result.status === 404);
  signOut(ordinary ? "" : result.error.message, { offerToken: hadToken });
}

/**
 * "Sign out" ends what signed the console in: a session is ended on the server (its cookie
 * cleared, so a reload stays out); a token is forgotten by this tab; Access is signed out by
 * Access itself, or its assertion would sign the console straight back in.
 */
async function signOutClicked(): Promise<void> {
  const via = signedIn?.via;
  if (via === "session" || via === "access") {
    const ended = await api.endSession();
    if (!ended.ok) return flash(`Could not sign out: ${ended.error.message}`, true);
  }
  signOut("");
  if (via === "access") location.assign(ACCESS_LOGOUT);
}

byId("sign-out").addEventListener("click", () => void signOutClicked());
byId("new-sale").addEventListener("click", () => editor.open(null));
byId("show-audit").addEventListener("click", () => void showAudit(api, null));
byId("show-experiments").addEventListener("click", () => void showExperiments(api, experimentEditor));
byId("close-details").addEventListener("click", () => details.close());

byId("timezone").textContent = `(your local time, ${Intl.DateTimeFormat().resolvedOptions().timeZone})`;
void resume();
