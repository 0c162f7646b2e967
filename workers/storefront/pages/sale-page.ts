import { html, raw } from "hono/html";
import { TURNSTILE_ACTION } from "../../../src/bot-check/widget.ts";
import { format, type Lang, messages } from "../../../src/i18n/messages.ts";
import { formatMoney } from "../../../src/money.ts";
import type { SaleConfig } from "../../../src/sales/sale-config.ts";
import type { SkuSnapshot } from "../../../src/sales/snapshot.ts";
import { imageUrl } from "../assets.ts";
import { adSlot } from "./ad-slot.ts";
import { jsonForScript, type Markup } from "./layout.ts";
import { recommendedSection } from "./recommended-section.ts";
import { presaleSection } from "./presale-section.ts";
import { presaleWindowAt } from "../../../src/presale-view/presale-timeline.ts";

/**
 * The sale page. It is cached at the edge, so what it renders is the configuration and a
 * starting picture; the live stock, tier and phase arrive over the SKU's WebSocket, and the
 * countdown runs on server time measured by the page's script. The stock bar's width is set
 * by that script too (no inline style: see security-headers.ts). Buy starts disabled: the
 * script enables it once the shopper has a session (`POST /api/session`), so every attempt
 * of one purchase is made by the same shopper (state `session` until then, with the reason
 * in #session-note).
 *
 * With `turnstileSiteKey` (TURNSTILE_SITE_KEY, issue 12) it also carries the bot check: a
 * container for the Turnstile widget, which the page's script renders, and Buy then waits for
 * its token too (state `bot_check`, the reason in #session-note). Without one, nothing changes.
 *
 * With a waiting room (issue 12, the snapshot's `waitingRoom`), #queue-note shows the shopper's
 * place and wait, which the script fills in once it has joined the queue; Buy waits for their
 * turn (state `queue`).
 *
 * Coupons (issue 14): #coupons lists what can be claimed for this SKU and #coupon-buy the
 * price after the shopper's best coupon, both filled by the script (the offers and the wallet
 * are read through the API, never cached with the page), hidden until there is something to show.
 *
 * A/B experiments (issue 13): the page is the same for every shopper, so it is rendered with
 * the experiments `pending` and the live numbers `pending`; the script applies the shopper's
 * variants (web/client/shared/experiments.ts): the countdown (canvas or #countdown-static),
 * the Buy button's colour, the promotion label's wording (#promo) and what shows while the
 * live numbers load (a skeleton over the `data-live-value` parts, or #loading-note's spinner).
 *
 * Member prices (issue 16): on a sale with `memberPrices`, #member-price (empty and hidden
 * here, the same for every shopper) is filled by the script with the shopper's member price,
 * read from `GET /api/me/membership` (web/client/sale-member-price.ts).
 *
 * Share links (issue 14): #share below the buy area, empty and hidden: the script fills it
 * (web/client/shared/share.ts) for the sale's campaign, `data-campaign`.
 *
 * Presales (issue 19): #presale shows the deposit, its worth, the balance and both windows with
 * a countdown (./presale-section.ts); in the deposit window Buy says "Pay deposit" (state `deposit`).
 */
export function salePage(lang: Lang, sale: SaleConfig, snapshot: SkuSnapshot, turnstileSiteKey = ""): Markup {
  const t = messages(lang);
  const hero = sale.images[0] ? imageUrl(sale.images[0], 960) : null;
  const gifts = sale.gifts.filter((g) => g.endsAt > snapshot.serverTime);
  const { stock, price } = snapshot;
  // As the page's script shows it; a live sale waits for the shopper's session first.
  const depositing =
    sale.presale !== null && snapshot.phase === "upcoming" && presaleWindowAt(sale.presale, snapshot.serverTime).window === "deposit";
  const state: ButtonState = snapshot.paused ? "paused" : depositing ? "deposit" : buttonState(snapshot.phase);
  const live = state === "live" || state === "deposit";
  return html`<article class="sale" id="sale" data-sku="${sale.sku}" data-presale="${String(sale.presale !== null)}" data-category="${sale.category}" data-phase="${snapshot.phase}"
      data-starts-at="${sale.startsAt}" data-ends-at="${sale.endsAt}" data-limit="${sale.perShopperLimit}" data-list-price="${sale.listPrice}"
      data-member-prices="${String(sale.memberPrices)}" data-experiments="pending" data-live="pending">
    ${
      hero
        ? html`<picture class="hero"><img src="${hero}" srcset="${imageUrl(sale.images[0]!, 480)} 480w, ${hero} 960w"
          sizes="(max-width: 600px) 100vw, 560px" width="960" height="960" alt="${sale.title}" fetchpriority="high" /></picture>`
        : ""
    }
    <section class="details">
      <span class="phase phase-${snapshot.phase}" id="phase">${t[`phase_${snapshot.phase}`]}</span>
      <h1>${sale.title}</h1>
      <p class="description">${sale.description}</p>
      <p class="prices">
        <span class="price" id="price" data-live-value>${price.unitPrice === null ? "—" : formatMoney(price.unitPrice)}</span>
        <span class="promo" id="promo" hidden></span>
        <span class="list">${t.listPrice} <s>${formatMoney(sale.listPrice)}</s></span>
      </p>
      <p class="member-price" id="member-price" hidden></p>
      ${sale.presale ? presaleSection(lang, sale.presale, price.unitPrice, snapshot.serverTime) : ""}
      <p class="tier-note" id="tier-note">${tierNote(lang, snapshot)}</p>
      <section class="coupons" id="coupons" aria-labelledby="coupons-title" hidden>
        <h2 id="coupons-title">${t.coupons}</h2>
        <ul class="coupon-offers" id="coupon-offers"></ul>
        <p class="coupon-note" id="coupon-note" role="status"></p>
        <p class="message" id="coupon-message" role="alert"></p>
      </section>
      <div class="countdown">
        <span id="countdown-label">${snapshot.phase === "upcoming" ? t.opensIn : t.endsIn}</span>
        <canvas id="countdown" width="360" height="64" aria-live="off"></canvas>
        <strong class="countdown-static" id="countdown-static" hidden></strong>
      </div>
      <div class="stock">
        <div class="bar" data-live-value><div class="fill" id="stock-fill"></div></div>
        <span id="stock-text" data-live-value data-remaining="${stock.remaining}">${format(t.remaining, { remaining: stock.remaining, total: stock.total })}</span>
        <span class="loading-note" id="loading-note" role="status"><span class="spinner" aria-hidden="true"></span>${t.loading_live}</span>
        <span class="live-status" id="live-status"></span>
      </div>
      ${gifts.map(
        (gift) => html`<aside class="gift" data-gift data-starts-at="${gift.startsAt}" data-ends-at="${gift.endsAt}" hidden>
          <strong>🎁 ${t.gift}: ${gift.title}</strong>
          <span>${format(t.giftWhileStocks, { time: `${new Date(gift.endsAt).toISOString().slice(11, 16)} UTC`, n: gift.stock })}</span>
        </aside>`,
      )}
      <p class="queue-note" id="queue-note" role="status" hidden></p>
      <div class="coupon-buy" id="coupon-buy" hidden>
        <label class="use-coupon" id="use-coupon-label"><input type="checkbox" id="use-coupon" checked /> <span id="use-coupon-text"></span></label>
        <p class="coupon-price" id="coupon-price"><span>${t.coupon_priceAfter}</span> <strong id="price-after"></strong></p>
        <p class="coupon-hint" id="coupon-hint"></p>
      </div>
      <form class="buy" id="buy-form">
        <label>${t.quantity}
          <select id="qty">${Array.from({ length: sale.perShopperLimit }, (_, i) => html`<option>${i + 1}</option>`)}</select>
        </label>
        <button type="submit" id="buy" data-state="${live ? "session" : state}" disabled>
          ${t[`buy_${state}`]}
        </button>
      </form>${turnstileSiteKey ? turnstileWidget(lang, turnstileSiteKey) : ""}
      <p class="limit" id="session-note" role="status" ${live ? "" : "hidden"}>${t.session_pending}</p>
      <p class="message" id="message" role="alert"></p>
      <p class="limit">${format(t.limitPerShopper, { n: sale.perShopperLimit })}</p>
      ${adSlot(lang, "sale_slot")}
      <section class="share" id="share" data-campaign="${sale.sku}" aria-labelledby="share-title" hidden></section>
      ${
        sale.tiers.length
          ? html`<table class="tiers" id="tiers">
            <caption>${t.priceTiers}</caption>
            <tr><th>${t.units}</th><th>${t.price}</th><th></th></tr>
            ${sale.tiers.map(
              (tier) => html`<tr data-from="${tier.fromRank}" data-to="${tier.toRank}">
                <td>${tier.fromRank}–${tier.toRank}</td><td>${formatMoney(tier.unitPrice)}</td><td>${tier.label ?? ""}</td></tr>`,
            )}
            <tr data-from="${sale.tiers.at(-1)!.toRank + 1}" data-to="${sale.stock}"><td>${sale.tiers.at(-1)!.toRank + 1}+</td><td>${formatMoney(sale.listPrice)}</td><td></td></tr>
          </table>`
          : ""
      }
    </section>
    ${recommendedSection(lang)}
    <script type="application/json" id="initial-snapshot">${raw(jsonForScript(snapshot))}</script>
  </article>`;
}

/**
 * The Turnstile widget's container. The page's script loads Turnstile's script from Cloudflare
 * (as it must be: never proxied or cached) and renders the widget into it explicitly, in the
 * page's language, with the action the server checks (web/client/shared/bot-check.ts).
 */
function turnstileWidget(lang: Lang, siteKey: string): Markup {
  return html`
      <div class="bot-check" id="bot-check" data-sitekey="${siteKey}" data-action="${TURNSTILE_ACTION}"
        data-language="${lang === "zh-CN" ? "zh-cn" : "en"}"></div>`;
}

type ButtonState = "waiting" | "live" | "sold_out" | "ended" | "paused" | "deposit";

function buttonState(phase: SkuSnapshot["phase"]): Exclude<ButtonState, "paused" | "deposit"> {
  return phase === "upcoming" ? "waiting" : phase;
}

/** "37 left at this price, then ¥419.30", or nothing past the last tier. */
export function tierNote(lang: Lang, snapshot: SkuSnapshot): string {
  const t = messages(lang);
  const { price } = snapshot;
  if (price.unitsLeftInTier === null || price.nextTier === null) return "";
  return `${format(t.leftInTier, { n: price.unitsLeftInTier })} · ${format(t.thenPrice, { price: formatMoney(price.nextTier.unitPrice) })}`;
}
