import { formatMoney } from "../../src/money.ts";
import type { ShopperProfile } from "../../src/profile/shopper-profile.ts";
import type { SkuSnapshot } from "../../src/sales/snapshot.ts";
import { ApiError, api } from "./shared/api.ts";
import { couponHeadline, type WalletCoupon } from "./shared/coupons.ts";
import { recordLanding } from "./shared/landing.ts";
import { pageEvents } from "./shared/events.ts";
import { lang, t } from "./shared/i18n.ts";
import { mountNearMeIfPresent } from "./shared/near-me.ts";
import { mountInvoices } from "./me-invoices.ts";
import { mountMembership } from "./me-membership.ts";
import { loadMePoints } from "./me-points.ts";
import { mountPresaleOrders } from "./me-presale.ts";
import { ServerClock } from "./shared/clock.ts";
import { syncOverHttp } from "./shared/time-sync.ts";
import { qrSvg } from "./shared/qr-svg.ts";

/**
 * The shopper's profile page (issue 13): the last 30 minutes of product views and the lifetime
 * facts, from `GET /api/me/profile`. Read again every minute and whenever the page comes back
 * into view, so views age out and new ones appear. Ages are counted on the server's clock (the
 * answer's `serverTime`), never this device's.
 */
const REFRESH_MS = 60_000;
const $ = (id: string) => document.getElementById(id)!;
const titles = new Map<string, string>();
const dates = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });

function item(text: string, href?: string): HTMLLIElement {
  const li = document.createElement("li");
  if (href) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    li.append(a);
  } else li.textContent = text;
  return li;
}

function render(profile: ShopperProfile): void {
  const root = $("profile");
  root.dataset.state = "ready";
  root.dataset.window = profile.window ? "ok" : "unavailable";
  $("profile-status").textContent = "";
  const window = profile.window;
  const list = $("recent-products");
  if (!window) {
    $("window-summary").textContent = t("windowUnavailable");
    list.replaceChildren();
  } else {
    $("window-summary").textContent =
      window.distinct === 0 ? t("windowEmpty") : t("windowSummary", { n: window.distinct, category: window.latestCategory ?? "" });
    list.replaceChildren(
      ...window.products.map((product) => {
        const minutes = Math.floor((profile.serverTime - product.viewedAt) / 60_000);
        const li = item(titles.get(product.sku) ?? product.sku, `/sales/${encodeURIComponent(product.sku)}`);
        li.dataset.sku = product.sku;
        const meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = `${product.category} · ${minutes < 1 ? t("viewedJustNow") : t("viewedAgo", { m: minutes })}`;
        li.append(meta);
        return li;
      }),
    );
  }
  const { lifetime } = profile;
  $("first-seen").textContent = lifetime.firstSeen === null ? t("noneYet") : dates.format(lifetime.firstSeen);
  $("paid-orders").textContent = String(lifetime.paidOrders);
  $("spend").textContent = formatMoney(lifetime.spend);
  const favourites = lifetime.favouriteCategories.map((f) => item(t("favouriteLine", { ...f })));
  $("favourites").replaceChildren(...(favourites.length ? favourites : [item(t("noneYet"))]));
}

/** A coupon's state as the shopper reads it: the API's status, and for an available one whether its dates allow it now. */
function walletState(coupon: WalletCoupon, now: number): "available" | "held" | "used" | "expired" | "notStarted" {
  if (coupon.status !== "available" || coupon.usable) return coupon.status;
  // A store coupon is never `usable` online (issue 15): its dates alone say whether a till may take it.
  if (coupon.redeem === "in_store" && now >= coupon.validFrom && now < coupon.validUntil) return "available";
  return now < coupon.validFrom ? "notStarted" : "expired";
}

const WALLET_ORDER = { available: 0, notStarted: 1, held: 2, used: 3, expired: 4 };

/** "My coupons": usable ones first, then those held by an unpaid order, then used and expired; each with its dates. */
function renderWallet(coupons: WalletCoupon[]): void {
  const now = Date.now();
  $("wallet-status").textContent = coupons.length === 0 ? t("walletEmpty") : "";
  $("wallet").dataset.state = "ready";
  const shown = coupons
    .map((coupon) => ({ coupon, state: walletState(coupon, now) }))
    .sort((a, b) => WALLET_ORDER[a.state] - WALLET_ORDER[b.state]);
  $("wallet").replaceChildren(
    ...shown.map(({ coupon, state }) => {
      const li = document.createElement("li");
      li.dataset.couponId = coupon.id;
      li.dataset.status = state;
      const headline = document.createElement("strong");
      headline.textContent = couponHeadline(coupon);
      const badge = document.createElement("span");
      badge.className = `badge badge-${state}`;
      badge.textContent = t(`couponStatus_${state}`);
      const title = document.createElement("span");
      title.className = "coupon-title";
      title.textContent = coupon.title;
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent =
        coupon.usedAt === null
          ? t("coupon_validRange", { from: dates.format(coupon.validFrom), until: dates.format(coupon.validUntil) })
          : t("coupon_usedOn", { date: dates.format(coupon.usedAt) });
      li.append(headline, badge, title, meta);
      if (coupon.redeem === "in_store") li.append(storeCoupon(coupon));
      return li;
    }),
  );
}

/**
 * A store coupon (issue 15) as the till needs it: a QR code of its id for the scanner, its
 * short code large for typing, the stores it is valid in; once redeemed, where and when.
 */
function storeCoupon(coupon: WalletCoupon): HTMLElement {
  const box = document.createElement("div");
  box.className = "store-coupon";
  const stores = (coupon.stores ?? []).map((store) => store.name).join(" · ");
  const validIn = document.createElement("p");
  validIn.className = "meta valid-in";
  validIn.textContent = t("walletValidIn", { stores });
  if (coupon.redeemedAt !== null) {
    const redeemed = document.createElement("p");
    redeemed.className = "redeemed";
    redeemed.textContent = t("walletRedeemedAt", { store: coupon.redeemedStore?.name ?? "", date: dates.format(coupon.redeemedAt) });
    box.append(redeemed, validIn);
    return box;
  }
  const note = document.createElement("p");
  note.className = "meta";
  note.textContent = t("walletInStore");
  const qr = qrSvg(coupon.id, coupon.id);
  qr.classList.add("coupon-qr");
  const code = document.createElement("p");
  code.className = "short-code";
  code.setAttribute("aria-label", t("walletShortCode"));
  code.textContent = coupon.shortCode ?? "";
  box.append(note, qr, code, validIn);
  return box;
}

async function loadWallet(): Promise<void> {
  try {
    renderWallet((await api<{ coupons: WalletCoupon[] }>("/api/me/coupons")).coupons);
  } catch (error) {
    $("wallet-status").textContent = error instanceof ApiError ? error.message : t("error_internal");
  }
}

/** Product names for the SKUs on sale; a SKU no longer on sale shows as itself. */
async function loadTitles(): Promise<void> {
  try {
    const { sales } = await api<{ sales: SkuSnapshot[] }>("/api/sales");
    for (const sale of sales) titles.set(sale.sku, sale.title);
  } catch {
    // names are a nicety: SKUs will do
  }
}

async function load(): Promise<void> {
  try {
    render(await api<ShopperProfile>("/api/me/profile"));
  } catch (error) {
    $("profile").dataset.state = "error";
    $("profile-status").textContent = error instanceof ApiError ? error.message : t("error_internal");
  }
  // After the profile, not beside it: a first visit's two calls would each be issued a new shopper.
  await loadWallet();
  await mountMembership();
  await loadMePoints();
  await loadPresaleOrders();
}

/** "My presale orders" (issue 19): deadlines counted on server time. */
const presaleClock = new ServerClock();
const loadPresaleOrders = mountPresaleOrders(presaleClock);

// "Offers near me" (issue 15): its opt-in, before the profile's reads.
mountNearMeIfPresent();
mountInvoices(load);
await loadTitles();
await syncOverHttp(presaleClock);
await load();
// Share links (issue 14): after the profile's read, which issued the session.
void recordLanding(Promise.resolve());
setInterval(() => void load(), REFRESH_MS);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") void load();
});
pageEvents.record({ type: "page_view" });
