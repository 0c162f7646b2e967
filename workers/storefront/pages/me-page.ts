import { html } from "hono/html";
import { messages, type Lang } from "../../../src/i18n/messages.ts";
import type { Markup } from "./layout.ts";
import { invoicesSection } from "./me-invoices-section.ts";

/**
 * The shopper's profile page (issue 13): a shell only, like the order page. The profile is
 * personal and changes by the minute, so the page is never cached and its script
 * (web/client/me.page.ts) reads `/api/me/profile` with the shopper's own session, and
 * `/api/me/coupons` for "My coupons" (issue 14): each coupon, available, held or used, with its dates.
 * `#near-me` holds the "offers near me" opt-in (issue 15, web/client/shared/near-me.ts).
 * `#me-points` shows the shopper's points (issue 16, web/client/me-points.ts).
 * `#me-presale` lists the shopper's presale orders with the next deadline (issue 19, web/client/me-presale.ts).
 */
export function mePage(lang: Lang): Markup {
  const t = messages(lang);
  return html`<article class="profile" id="profile">
    <h1>${t.profileTitle}</h1>
    <p class="status" id="profile-status" role="status">${t.loading}</p>
    <section class="card" aria-labelledby="recent-title">
      <h2 id="recent-title">${t.recentlyViewed}</h2>
      <p id="window-summary"></p>
      <ol class="recent" id="recent-products"></ol>
    </section>
    <section class="card" aria-labelledby="lifetime-title">
      <h2 id="lifetime-title">${t.lifetimeTitle}</h2>
      <dl class="order-lines" id="lifetime">
        <dt>${t.firstSeen}</dt><dd id="first-seen">…</dd>
        <dt>${t.paidOrders}</dt><dd id="paid-orders">…</dd>
        <dt>${t.spend}</dt><dd id="spend">…</dd>
        <dt>${t.favouriteCategories}</dt><dd><ul class="favourites" id="favourites"></ul></dd>
      </dl>
    </section>
    <section class="card" id="membership" aria-labelledby="membership-title"><h2 id="membership-title">${t.membershipTitle}</h2><p>${t.loading}</p></section>
    <section class="card" id="near-me"></section>
    <section class="card presale-orders" id="me-presale" aria-labelledby="presale-title">
      <h2 id="presale-title">${t.presale_myOrders}</h2>
      <p id="presale-status" role="status">${t.loading}</p>
      <ul class="presale-list" id="presale-orders"></ul>
    </section>
    ${invoicesSection(t)}
    <section class="card" aria-labelledby="wallet-title">
      <h2 id="wallet-title">${t.myCoupons}</h2>
      <p id="wallet-status" role="status">${t.loading}</p>
      <ul class="wallet" id="wallet"></ul>
    </section>
    <section class="card points" id="me-points" aria-labelledby="points-title">
      <h2 id="points-title">${t.points_title}</h2>
      <p id="points-status" role="status">${t.loading}</p>
      <p class="meta">${t.points_rule}</p>
      <ul class="points-expiring" id="points-expiring"></ul>
      <ol class="points-entries" id="points-entries"></ol>
    </section>
  </article>`;
}
