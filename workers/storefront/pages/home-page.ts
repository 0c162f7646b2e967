import { html } from "hono/html";
import { format, messages, type Lang } from "../../../src/i18n/messages.ts";
import { formatMoney } from "../../../src/money.ts";
import type { SaleConfig } from "../../../src/sales/sale-config.ts";
import type { SkuSnapshot } from "../../../src/sales/snapshot.ts";
import { imageUrl } from "../assets.ts";
import { adSlot } from "./ad-slot.ts";
import type { Markup } from "./layout.ts";
import { recommendedSection } from "./recommended-section.ts";

/**
 * The home page: live and upcoming sales, each with its countdown and stock bar (kept live by
 * home.page.ts, which also draws each bar from its `data-percent`: no inline style, see
 * security-headers.ts). Rendered with the A/B experiments and the live numbers `pending`
 * (issue 13): home.page.ts applies the shopper's promotion wording and loading animation.
 */
export function homePage(lang: Lang, sales: Array<{ sale: SaleConfig; snapshot: SkuSnapshot }>): Markup {
  const t = messages(lang);
  return html`<section class="home" id="home" data-experiments="pending" data-live="pending">
    ${adSlot(lang, "home_banner")}
    <h1>${t.liveAndUpcoming}</h1>
    ${sales.length === 0 ? html`<p class="card">${t.noSales}</p>` : ""}
    <ul class="sales" id="sales">
      ${sales.map(({ sale, snapshot }) => {
        const picture = sale.images[0] ? imageUrl(sale.images[0], 480) : null;
        const { stock, price } = snapshot;
        return html`<li class="card sale-card" data-sku="${sale.sku}" data-starts-at="${sale.startsAt}" data-ends-at="${sale.endsAt}" data-list-price="${sale.listPrice}"
          data-price="${price.unitPrice ?? ""}">
          <a href="/sales/${sale.sku}">
            ${picture ? html`<img src="${picture}" width="480" height="480" alt="" loading="lazy" />` : ""}
            <div>
              <span class="phase phase-${snapshot.phase}" data-role="phase">${t[`phase_${snapshot.phase}`]}</span>
              <h2>${sale.title}</h2>
              <p><span class="price" data-role="price" data-live-value>${price.unitPrice === null ? "—" : formatMoney(price.unitPrice)}</span>
                <span class="promo" data-role="promo" hidden></span>
                <s class="list">${formatMoney(sale.listPrice)}</s></p>
              <p><span data-role="countdown-label">${snapshot.phase === "upcoming" ? t.opensIn : t.endsIn}</span>
                <strong data-role="countdown" data-live-value>…</strong></p>
              <div class="bar" data-live-value><div class="fill" data-role="stock-fill" data-percent="${stock.total ? Math.round((stock.remaining / stock.total) * 100) : 0}"></div></div>
              <small data-role="stock-text" data-live-value>${format(t.remaining, { remaining: stock.remaining, total: stock.total })}</small>
            </div>
          </a>
        </li>`;
      })}
    </ul>
    ${recommendedSection(lang)}
    <p class="loading-note" id="loading-note" role="status"><span class="spinner" aria-hidden="true"></span>${t.loading_live}</p>
  </section>`;
}
