import { Hono } from "hono";
import { html } from "hono/html";
import { NONCE, secureHeaders, type SecureHeadersVariables } from "hono/secure-headers";
import type { Lang } from "../../../src/i18n/messages.ts";
import type { Capability } from "../../../src/staff/roles.ts";
import { assets } from "../assets.ts";
import { pageLang } from "../pages/lang.ts";
import { couponsSection } from "./console-coupons.ts";
import { crmSection } from "./console-crm.ts";
import { advisersSection, conversationsSection } from "./console-advisers.ts";
import { propagationWords } from "../../../src/propagation/propagation-words.ts";
import { experimentForm } from "./console-experiments.ts";
import { propagationSection } from "./console-propagation.ts";
import { storeCouponsSection } from "./console-store-coupons.ts";
import { invoicesSection } from "./console-invoices.ts";
import { teamsSection } from "./console-teams.ts";
import { storeCouponWords } from "../../../src/store-coupons/stats-words.ts";
import { storesSection } from "./console-stores.ts";
import { storeWords } from "../../../src/stores/store-words.ts";
import { livestreamsSection } from "./console-livestreams.ts";
import { adsSection } from "./console-ads.ts";
import { adWords } from "../../../src/ads/ad-words.ts";
import { followUpsSection } from "./console-follow-ups.ts";
import { sequenceWords } from "../../../src/sequences/sequence-words.ts";
import { memberTiersSection, priceProtectionSection } from "./console-membership.ts";
import { membershipWords } from "../../../src/membership/membership-words.ts";
import { segmentsSection } from "./console-segments.ts";
import { audiencesSection } from "./console-audiences.ts";
import { audienceWords } from "../../../src/audiences/audience-words.ts";
import { forecastsSection } from "./console-forecasts.ts";
import { forecastWords } from "../../../src/forecast/forecast-words.ts";
import { recommendationsSection } from "./console-recommendations.ts";
import { recWords } from "../../../src/recs/rec-words.ts";
import { adReportSection } from "./console-ad-report.ts";
import { adReportWords } from "../../../src/ads/ad-report-words.ts";
import { segmentWords } from "../../../src/rfm/segment-words.ts";
import { livestreamWords } from "../../../src/livestreams/livestream-words.ts";
import { adviserBoardSection } from "./console-adviser-board.ts";
import { boardWords } from "../../../src/advisers/board-words.ts";

/**
 * `GET /admin`: the marketer console (issue 6). A static shell: it holds no data and needs
 * no credential. Its script (web/client/console.page.ts, bundled and content-hashed by the
 * build like the shop's page scripts) signs staff in (email and password for a session
 * cookie; Cloudflare Access with no form; or a token, kept in sessionStorage, gone when the
 * tab closes) and does everything through /admin/api. The page runs that one script and
 * nothing else: script-src is a per-response nonce, which the script element carries, so
 * not even another same-origin file could run here, as the page handles credentials that
 * can change every sale. Its stylesheet is a hashed file too, so no inline style is
 * allowed either. Its forms are sent by the script, never by the browser (form-action 'none').
 */
export const adminConsole = new Hono<{ Bindings: Env; Variables: SecureHeadersVariables }>()
  .use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: [NONCE],
        styleSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: "no-referrer",
    }),
  )
  .get("/", (c) => {
    c.header("Cache-Control", "no-store");
    // The console's frame is in English; the views built since issue 14 (Coupons, Team red packets, Propagation, Stores,
    // Livestreams, Members, Segments, Follow-ups, Response times, Audiences, Ads, Ad report, Recommendations, Forecast) also in Chinese,
    // by the shop's choice of language (`?lang=`, the cookie, Accept-Language).
    return c.html(page(pageLang(c).lang, c.get("secureHeadersNonce") ?? ""));
  });

function page(lang: Lang, nonce: string) {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>Marketer console · Flash Sale</title>
    <link rel="stylesheet" href="${assets.styles.console}" />
  </head>
  <body>
    <header>
      <strong>⚡ Flash Sale · Marketer console</strong>
      <span id="whoami" class="muted"></span>
      <button type="button" id="sign-out" class="link" data-capability="${needs("self")}" hidden>Sign out</button>
    </header>
    <main>
      <p id="flash" role="status" hidden></p>

      <section id="sign-in" class="card sign-in" hidden>
        <h1>Sign in</h1>
        <p id="sign-in-problem" class="problem" role="alert" hidden></p>
        <form id="password-sign-in">
          <label>Email <input name="email" type="email" autocomplete="username" required /></label>
          <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
          <button type="submit">Sign in</button>
        </form>
        <details id="token-way">
          <summary>Sign in with a token</summary>
          <form id="token-sign-in">
            <p class="muted">For emergencies and systems: the storefront's <code>ADMIN_TOKEN</code> (<code>npm start</code> prints it) or an API key (<code>fsk_…</code>). It stays in this tab only.</p>
            <label>Token <input name="token" type="password" autocomplete="off" required /></label>
            <label>Your name, for the audit log (admin token only) <input name="actor" maxlength="64" placeholder="admin" /></label>
            <button type="submit" class="secondary">Sign in with the token</button>
          </form>
        </details>
      </section>

      <div id="app" hidden>
        <div class="toolbar">
          <button type="button" id="new-sale" data-capability="${needs("editSales")}">New sale</button>
          <button type="button" id="show-audit" class="secondary" data-capability="${needs("readAudit")}">Audit log</button>
          <button type="button" id="show-shoppers" class="secondary" data-capability="${needs("readShoppers")}">Shoppers</button>
          <button type="button" id="show-points" class="secondary" data-capability="${needs("readShoppers")}">Points &amp; refunds</button>
          <button type="button" id="show-experiments" class="secondary" data-capability="${needs("readExperiments")}">A/B experiments</button>
          <button type="button" id="show-coupons" class="secondary" data-capability="${needs("readSales")}">Coupons</button>
          <button type="button" id="show-propagation" class="secondary" data-capability="${needs("readSales")}">${propagationWords(lang).propagation}</button>
          <button type="button" id="show-teams" class="secondary" data-capability="${needs("readSales")}">Team red packets</button>
          <button type="button" id="show-store-coupons" class="secondary" data-capability="${needs("readSales")}">${storeCouponWords(lang).storeCoupons}</button>
          <button type="button" id="show-stores" class="secondary" data-capability="${needs("readSales")}">${storeWords(lang).stores}</button>
          <button type="button" id="show-livestreams" class="secondary" data-capability="${needs("readSales")}">${livestreamWords(lang).livestreams}</button>
          <button type="button" id="show-invoices" class="secondary" data-capability="${needs("readShoppers")}">Invoices</button>
          <button type="button" id="show-member-tiers" class="secondary" data-capability="${needs("readSales")}">${membershipWords(lang).memberTiers}</button>
          <button type="button" id="show-price-protection" class="secondary" data-capability="${needs("readSales")}">${membershipWords(lang).priceProtection}</button>
          <button type="button" id="show-crm" class="secondary" data-capability="${needs("readCrm")}">CRM</button>
          <button type="button" id="show-adviser-board" class="secondary" data-capability="${needs("readAdviserBoard")}">${boardWords(lang).responseTimes}</button>
          <button type="button" id="show-segments" class="secondary" data-capability="${needs("readSegments")}">${segmentWords(lang).segments}</button>
          <button type="button" id="show-audiences" class="secondary" data-capability="${needs("readAudiences")}">${audienceWords(lang).audiences}</button>
          <button type="button" id="show-follow-ups" class="secondary" data-capability="${needs("readFollowUps")}">${sequenceWords(lang).followUps}</button>
          <button type="button" id="show-conversations" class="secondary" data-capability="${needs("serveShoppers")}">Conversations</button>
          <button type="button" id="show-advisers" class="secondary" data-capability="${needs("manageAdvisers")}">Advisers</button>
          <button type="button" id="show-ads" class="secondary" data-capability="${needs("readAds")}">${adWords(lang).ads}</button>
          <button type="button" id="show-recommendations" class="secondary" data-capability="${needs("readRecs")}">${recWords(lang).recommendations}</button>
          <button type="button" id="show-ad-report" class="secondary" data-capability="${needs("readAds")}">${adReportWords(lang).adReport}</button>
          <button type="button" id="show-forecasts" class="secondary" data-capability="${needs("readForecasts")}">${forecastWords(lang).forecast}</button>
          <a id="open-dashboard" class="button secondary" href="/admin/dashboard" data-capability="${needs("readMetrics")}">Live dashboard</a>
          <span id="updated" class="muted"></span>
        </div>
        <div id="sales"></div>
        ${saleForm()}
        ${shoppersSection()}
        ${pointsRefundsSection()}
        ${propagationSection(lang)}
        ${experimentForm()}
        ${couponsSection(lang)}
        ${teamsSection(lang)}
        ${storeCouponsSection(lang)}
        ${storesSection(lang)}
        ${livestreamsSection(lang)}
        ${invoicesSection()}
        ${memberTiersSection(lang)}
        ${priceProtectionSection(lang)}
        ${crmSection()}
        ${adviserBoardSection(lang)}
        ${segmentsSection(lang)}
        ${audiencesSection(lang)}
        ${followUpsSection(lang)}
        ${conversationsSection()}
        ${advisersSection()}
        ${adsSection(lang)}
        ${recommendationsSection(lang)}
        ${adReportSection(lang)}
        ${forecastsSection(lang)}
        <section id="details" class="card" hidden>
          <div class="toolbar"><h2 id="details-title"></h2><button type="button" id="close-details" class="secondary">Close</button></div>
          <div id="details-body"></div>
        </section>
      </div>
    </main>
    <script nonce="${nonce}" type="module" src="${assets.scripts.console}"></script>
  </body>
</html>`;
}

/**
 * A control's capability (src/staff/roles.ts ADMITS), for `data-capability`: the script
 * hides the controls the signed-in role may not use. Typed, so a misspelt one fails here.
 */
function needs(capability: Capability): Capability {
  return capability;
}

/**
 * The Shoppers view (issue 13): look a shopper up by id (profile and latest events), and the
 * events pipeline at a glance. Filled by web/client/console/shoppers-view.ts.
 */
function shoppersSection() {
  return html`<section id="shoppers" class="card" data-capability="${needs("readShoppers")}" hidden>
    <div class="toolbar"><h2>Shoppers</h2><button type="button" id="close-shoppers" class="secondary">Close</button></div>
    <form id="shopper-lookup" class="inline-form">
      <label>Shopper id <input id="shopper-id" name="shopperId" placeholder="shp_…" autocomplete="off" spellcheck="false" required /></label>
      <button type="submit">Look up</button>
    </form>
    <div id="shopper-result"></div>
    <div class="toolbar"><h3>Events, last 24 hours</h3><button type="button" id="refresh-overview" class="secondary">Refresh</button></div>
    <div id="events-overview"></div>
  </section>`;
}

/**
 * Points & refunds (issue 16): a shopper's points ledger, and refunding an order (the owner
 * alone: `refundOrders`). Filled by web/client/console/points-refunds-view.ts.
 */
function pointsRefundsSection() {
  return html`<section id="points-refunds" class="card" data-capability="${needs("readShoppers")}" hidden>
    <div class="toolbar"><h2>Points &amp; refunds</h2><button type="button" id="close-points" class="secondary">Close</button></div>
    <form id="points-lookup" class="inline-form">
      <label>Shopper id <input id="points-shopper-id" name="shopperId" placeholder="shp_…" autocomplete="off" spellcheck="false" required /></label>
      <button type="submit">Look up points</button>
    </form>
    <div id="points-result"></div>
    <form id="refund-form" class="inline-form" data-capability="${needs("refundOrders")}">
      <h3>Refund an order</h3>
      <label>Order id <input id="refund-order-id" name="orderId" placeholder="ord_…" autocomplete="off" spellcheck="false" required /></label>
      <label>Amount (¥) <input id="refund-amount" name="amount" type="number" min="0.01" step="0.01" required /></label>
      <label>Units given back <input id="refund-units" name="units" type="number" min="0" step="1" value="0" /></label>
      <label>Reason <select id="refund-reason" name="reason"><option value="return">return (goods sent back)</option><option value="goodwill">goodwill (money alone)</option></select></label>
      <button type="submit">Refund</button>
      <button type="button" id="refund-list" class="secondary">List refunds</button>
    </form>
    <div id="refund-result" role="status"></div>
    <div id="refunds-of-order"></div>
  </section>`;
}

/**
 * The create/edit form. Every input names the path of its field in the API (`data-path`),
 * so each problem the API lists is shown next to its field; rows of tiers and gifts get
 * theirs (`tiers.0.fromRank`…) from the script as they are added.
 */
function saleForm() {
  return html`<form id="editor" class="card" data-capability="${needs("editSales")}" novalidate hidden>
    <div class="toolbar"><h2 id="editor-title">New sale</h2><button type="button" id="close-editor" class="secondary">Cancel</button></div>
    <div id="form-problems" class="problem" hidden></div>
    <fieldset>
      <legend>Product</legend>
      <label>SKU <input name="sku" data-path="sku" placeholder="earbuds-pro-1111" /></label>
      <label>Title <input name="title" data-path="title" maxlength="200" /></label>
      <label>Category <input name="category" data-path="category" maxlength="64" placeholder="shoes, bags, phones…" /></label>
      <label>Description <textarea name="description" data-path="description" rows="3"></textarea></label>
      <label>Images, one per line <textarea name="images" data-path="images" rows="2" placeholder="earbuds"></textarea></label>
    </fieldset>
    <fieldset>
      <legend>Price and stock</legend>
      <label>List price (yuan) <input name="listPrice" data-path="listPrice" inputmode="decimal" placeholder="599.00" /></label>
      <label>Stock (units) <input name="stock" data-path="stock" inputmode="numeric" /></label>
      <label>Limit per shopper <input name="perShopperLimit" data-path="perShopperLimit" inputmode="numeric" value="1" /></label>
      <label>Hold for payment (seconds) <input name="holdSeconds" data-path="holdSeconds" inputmode="numeric" value="600" /></label>
      <label>Shards (objects selling the stock; 1 unless one SKU takes more than ~1,000 checkouts/s) <input name="shards" data-path="shards" inputmode="numeric" value="1" /></label>
      <label class="inline"><input name="memberPrices" data-path="memberPrices" type="checkbox" /> Member prices (会员价): members pay their tier's member price, before coupons (Member tiers)</label>
    </fieldset>
    <fieldset>
      <legend>When <span class="muted" id="timezone"></span></legend>
      <label>Starts <input name="startsAt" data-path="startsAt" type="datetime-local" /></label>
      <label>Ends <input name="endsAt" data-path="endsAt" type="datetime-local" /></label>
      <label class="inline"><input name="paused" data-path="paused" type="checkbox" /> Paused (no checkouts until resumed)</label>
    </fieldset>
    <fieldset data-path="presale" id="presale-fields">
      <legend>Presale (预售): a deposit (定金) holds units before the sale, the balance (尾款) is paid in its window; unpaid at its close, the order is forfeited</legend>
      <label class="inline"><input name="presaleOn" type="checkbox" /> This sale is a presale (needs 1 shard)</label>
      <label>Deposit per unit (yuan) <input name="depositPerUnit" data-path="presale.depositPerUnit" inputmode="decimal" placeholder="50.00" disabled /></label>
      <label>Deposit worth per unit (yuan, 膨胀: what it takes off the price; at least the deposit) <input name="depositWorthPerUnit" data-path="presale.depositWorthPerUnit" inputmode="decimal" placeholder="150.00" disabled /></label>
      <label>Deposits from <input name="depositStartsAt" data-path="presale.depositStartsAt" type="datetime-local" disabled /></label>
      <label>Deposits until (at or before the sale starts) <input name="depositEndsAt" data-path="presale.depositEndsAt" type="datetime-local" disabled /></label>
      <label>Balance from (at or after the sale starts) <input name="balanceStartsAt" data-path="presale.balanceStartsAt" type="datetime-local" disabled /></label>
      <label>Balance until (at or before the sale ends) <input name="balanceEndsAt" data-path="presale.balanceEndsAt" type="datetime-local" disabled /></label>
      <label>Deposit of a forfeited order
        <select name="forfeit" data-path="presale.forfeit" disabled>
          <option value="keep">kept (定金不退)</option>
          <option value="refund">refunded</option>
        </select>
      </label>
    </fieldset>
    <fieldset data-path="waitingRoom">
      <legend>Waiting room (排队): when more shoppers arrive than this rate, they queue and are let through in order</legend>
      <label class="inline"><input name="waitingRoomOn" type="checkbox" /> Queue shoppers (each checkout then needs a queue ticket)</label>
      <label>Let through per second <input name="admitPerSecond" data-path="waitingRoom.admitPerSecond" inputmode="numeric" placeholder="500" disabled /></label>
      <label>Ticket good for (seconds, after its turn) <input name="ticketTtlSeconds" data-path="waitingRoom.ticketTtlSeconds" inputmode="numeric" value="900" disabled /></label>
    </fieldset>
    <fieldset data-path="tiers">
      <legend>Price tiers: the first units sold go at these prices, then list price</legend>
      <table>
        <thead><tr><th>From unit</th><th>To unit</th><th>Price (yuan)</th><th>Label</th><th></th></tr></thead>
        <tbody id="tiers"></tbody>
      </table>
      <button type="button" id="add-tier" class="secondary">Add tier</button>
    </fieldset>
    <fieldset data-path="gifts">
      <legend>Limited-time gifts (限时加赠): one with each order in the window, while they last</legend>
      <table>
        <thead><tr><th>Gift id</th><th>Gift</th><th>From</th><th>Until</th><th>How many</th><th></th></tr></thead>
        <tbody id="gifts"></tbody>
      </table>
      <button type="button" id="add-gift" class="secondary">Add gift</button>
    </fieldset>
    <button type="submit" id="save">Save</button>
  </form>`;
}
