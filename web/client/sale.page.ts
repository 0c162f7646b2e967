import { fillAdSlots } from "./shared/ad-slot.ts";
import { promoWording } from "../../src/experiments/promo-wording.ts";
import { formatMoney } from "../../src/money.ts";
import { TURNSTILE_TOKEN_HEADER } from "../../src/bot-check/widget.ts";
import type { SkuSnapshot } from "../../src/sales/snapshot.ts";
import { secondsUntil } from "../../src/waiting-room/admission.ts";
import { QUEUE_TICKET_HEADER } from "../../src/waiting-room/ticket.ts";
import { api, ApiError } from "./shared/api.ts";
import { BotCheck } from "./shared/bot-check.ts";
import { ServerClock } from "./shared/clock.ts";
import { CanvasCountdown } from "./shared/countdown.ts";
import { appliesTo, bestCoupon, type CouponOffer, couponHeadline, type WalletCoupon } from "./shared/coupons.ts";
import { pageEvents } from "./shared/events.ts";
import { PageExperiments } from "./shared/experiments.ts";
import { t } from "./shared/i18n.ts";
import { LiveFeed } from "./shared/live-feed.ts";
import { phaseAt, type ClientPhase } from "./shared/phase.ts";
import { StaticCountdown } from "./shared/static-countdown.ts";
import { QueuePlace } from "./shared/waiting-room.ts";
import { mountSaleShare } from "./shared/share.ts";
import { MemberPrice } from "./sale-member-price.ts";
import { mountRecommendations } from "./shared/recommendations.ts";
import { SalePresale } from "./sale-presale.ts";

const root = document.getElementById("sale")!;
const sku = root.dataset.sku!;
const category = root.dataset.category || "general";
const listPrice = Number(root.dataset.listPrice);
const clock = new ServerClock();
const $ = (id: string) => document.getElementById(id)!;
/** The countdown the shopper's variant draws (issue 13): the millisecond canvas (the control), or a static time. */
let countdown: { countTo(target: number, onZero?: () => void, opening?: boolean): void; stop(): void } = new CanvasCountdown(
  $("countdown") as HTMLCanvasElement,
  () => clock.now(),
);
/** The shopper's A/B variants (issue 13): asked for once the session is there; until then the surfaces stay neutral. */
const experiments = new PageExperiments("sale", root);
/** If the live feed never answers, the cached numbers are shown as they are after this long. */
const LIVE_WAIT_MS = 5_000;
const buyButton = $("buy") as HTMLButtonElement;
const message = $("message");
let snapshot: SkuSnapshot = JSON.parse($("initial-snapshot").textContent!);
let shownPhase: ClientPhase | null = null;
let buying = false;
/** After a 429: Buy waits until then (the server's Retry-After), counting down in the message. */
let coolingUntil = 0;
/**
 * The shopper's session: Buy waits for it. Without a session cookie every attempt of a
 * checkout would be issued its own new shopper by the server, so a retry after a network
 * error would buy a second time under the same Idempotency-Key.
 */
let session: "pending" | "retrying" | "ready" = "pending";
const SESSION_RETRY_MS = [250, 500, 1_000, 2_000, 5_000];
/**
 * The shop's bot check (Turnstile, issue 12), when it has one: Buy also waits for its token,
 * and each attempt sends a fresh one. Null: no widget, and Buy works as it always did.
 */
const botCheck = BotCheck.fromPage(() => render());
/**
 * The sale's waiting room (issue 12), when its snapshot has one: once the session is there the
 * page joins the queue, shows the shopper's place and the wait, counting down on server time,
 * and enables Buy at their turn; every attempt sends the ticket.
 */
const queue = new QueuePlace(sku, clock, () => render());
let queueTick = 0;
/** Coupons (issue 14): those claimable for this SKU, and the shopper's wallet (null until the session is there). */
let offers: CouponOffer[] = [];
let wallet: WalletCoupon[] | null = null;
/** Templates with a claim on its way: their button waits. */
const claiming = new Set<string>();
/** Ticked (the default): the checkout takes the shopper's best coupon; unticked, none. */
const useCoupon = $("use-coupon") as HTMLInputElement;
const qtySelect = $("qty") as HTMLSelectElement;
/** Member prices (issue 16): read after the session, only on a sale that opts in. */
const memberPrice = new MemberPrice($("member-price"), root.dataset.memberPrices === "true");
/** Presale (issue 19): its windows by server time; in the deposit window Buy pays a deposit. */
const presale = new SalePresale(clock, () => render());

function render(): void {
  const phase = phaseAt(snapshot, clock.now());
  const { stock, price } = snapshot;
  root.dataset.phase = phase;
  $("phase").textContent = t(`phase_${phase}`);
  $("phase").className = `phase phase-${phase}`;
  ($("stock-fill") as HTMLElement).style.width = `${stock.total ? (stock.remaining / stock.total) * 100 : 0}%`;
  $("stock-text").textContent = t("remaining", { remaining: stock.remaining, total: stock.total });
  $("stock-text").dataset.remaining = String(stock.remaining);
  $("price").textContent = price.unitPrice === null ? "—" : formatMoney(price.unitPrice);
  renderPromo(price.unitPrice);
  memberPrice.render(price.unitPrice);
  renderCouponPrice();
  $("tier-note").textContent =
    price.unitsLeftInTier !== null && price.nextTier
      ? `${t("leftInTier", { n: price.unitsLeftInTier })} · ${t("thenPrice", { price: formatMoney(price.nextTier.unitPrice) })}`
      : "";
  for (const row of document.querySelectorAll<HTMLTableRowElement>("#tiers tr[data-from]")) {
    const next = price.tier ? price.tier.fromRank : snapshot.stock.total - snapshot.stock.remaining + 1;
    row.classList.toggle("current", next >= Number(row.dataset.from) && next <= Number(row.dataset.to));
  }
  const now = clock.now();
  const depositing = phase === "upcoming" && presale.depositOpen(now);
  const state = snapshot.paused ? "paused" : depositing ? "deposit" : phase === "upcoming" ? "waiting" : phase;
  presale.render(price.unitPrice);
  // Buy works in a live sale, and in a presale's deposit window (a presale order).
  const open = state === "live" || state === "deposit";
  const queueing = snapshot.waitingRoom !== null && queue.state !== "off" && (phase === "upcoming" || phase === "live");
  // Joined outside this render: joining renders again.
  if (queueing && session === "ready") queueMicrotask(() => queue.join());
  const waitingForSession = open && session !== "ready";
  const waitingForTurn = open && !waitingForSession && queueing && !queue.admitted(now);
  const waitingForBotCheck = open && !waitingForSession && !waitingForTurn && !buying && botCheck !== null && !botCheck.ready;
  buyButton.dataset.state = waitingForSession ? "session" : waitingForTurn ? "queue" : waitingForBotCheck ? "bot_check" : state;
  const cooling = now < coolingUntil;
  buyButton.disabled = buying || cooling || !open || waitingForSession || waitingForTurn || waitingForBotCheck;
  buyButton.textContent = buying ? t("buying") : waitingForTurn ? t("buy_queue") : t(`buy_${state}`);
  renderQueue(queueing && session === "ready", now);
  const sessionNote = $("session-note");
  sessionNote.hidden = !waitingForSession && !waitingForBotCheck;
  sessionNote.textContent = waitingForSession
    ? t(session === "retrying" ? "session_retrying" : "session_pending")
    : waitingForBotCheck
      ? t(botCheck?.state === "failed" ? "botCheck_failed" : "botCheck_pending")
      : "";
  for (const gift of document.querySelectorAll<HTMLElement>("[data-gift]")) {
    const now = clock.now();
    gift.hidden = !(now >= Number(gift.dataset.startsAt) && now < Number(gift.dataset.endsAt));
  }
  if (phase !== shownPhase) {
    shownPhase = phase;
    retarget(phase);
  }
}

/**
 * The shopper's place in the queue and the wait, in whole seconds on server time, renewed each
 * second until their turn; then that it is their turn. Hidden without a waiting room.
 */
function renderQueue(queueing: boolean, now: number): void {
  const note = $("queue-note");
  clearTimeout(queueTick);
  const held = queue.held;
  note.hidden = !queueing || queue.state === "none";
  note.dataset.state = queue.state;
  if (note.hidden) return;
  if (queue.state === "joining" || queue.state === "retrying") {
    note.textContent = t(queue.state === "joining" ? "queue_joining" : "queue_retrying");
    return;
  }
  if (!held) return;
  const seconds = secondsUntil(held.admitAt, now);
  note.dataset.place = held.place === null ? "" : String(held.place);
  note.dataset.seconds = String(seconds);
  if (seconds === 0) {
    note.textContent = t("queue_admitted");
    return;
  }
  note.textContent =
    held.place === null ? t("queue_waitingNoPlace", { s: seconds }) : t("queue_waiting", { place: held.place, s: seconds });
  // Next at the moment the whole seconds left change (the last one: the turn itself).
  queueTick = window.setTimeout(render, (held.admitAt - now) % 1000 || 1000);
}

/** What the order would cost before coupons, as the page can tell: the current unit price × qty, less the member price. */
function subtotalNow(): number | null {
  const unit = snapshot.price.unitPrice;
  return unit === null ? null : memberPrice.subtotal(unit * Number(qtySelect.value));
}

/** The shopper's coupons that apply to this SKU and can be spent now. */
function usableHere(): WalletCoupon[] {
  return (wallet ?? []).filter((coupon) => coupon.usable && appliesTo(coupon, sku));
}

/** The coupon the checkout sends: the best one for the current price and qty, unless the shopper unticked it. */
function chosenCoupon(): string | null {
  const subtotal = subtotalNow();
  if (!useCoupon.checked || subtotal === null) return null;
  return bestCoupon(usableHere(), sku, subtotal)?.coupon.id ?? null;
}

/**
 * The price after the shopper's best coupon, beside Buy, with the box that keeps it; or, when
 * their coupons need a bigger order, the threshold. Hidden without a coupon for this SKU.
 */
function renderCouponPrice(): void {
  const box = $("coupon-buy");
  const subtotal = subtotalNow();
  const usable = usableHere();
  const best = subtotal === null ? null : bestCoupon(usable, sku, subtotal);
  const nearest = usable.filter((coupon) => subtotal !== null && coupon.minSpend > subtotal).sort((a, b) => a.minSpend - b.minSpend)[0];
  box.hidden = best === null && nearest === undefined;
  box.dataset.couponId = best?.coupon.id ?? "";
  $("use-coupon-label").hidden = best === null;
  $("coupon-price").hidden = best === null || !useCoupon.checked;
  $("coupon-hint").hidden = best !== null || nearest === undefined;
  if (best) {
    $("use-coupon-text").textContent = t("coupon_useBest", { coupon: couponHeadline(best.coupon), discount: formatMoney(best.discount) });
    $("price-after").textContent = formatMoney(best.total);
  } else if (nearest) {
    $("coupon-hint").textContent = t("coupon_notYet", { coupon: couponHeadline(nearest), min: formatMoney(nearest.minSpend) });
  }
}

/**
 * The coupons to claim, each with its Claim button: "Claimed" once the shopper holds as many
 * as a shopper may. Claiming waits for the session, as Buy does, so the coupon is theirs.
 */
function renderOffers(): void {
  $("coupons").hidden = offers.length === 0;
  $("coupon-offers").replaceChildren(
    ...offers.map((offer) => {
      const id = offer.templateId;
      const li = document.createElement("li");
      li.className = "coupon";
      li.dataset.templateId = id;
      const text = document.createElement("div");
      text.className = "coupon-text";
      const headline = document.createElement("strong");
      headline.id = `coupon-${id}`;
      headline.textContent = couponHeadline(offer);
      const title = document.createElement("span");
      title.className = "coupon-title";
      title.textContent = offer.title;
      const left = document.createElement("span");
      left.className = "coupon-left";
      left.textContent = t("coupon_remaining", { n: offer.remaining });
      text.append(headline, title, left);
      const held = wallet?.filter((coupon) => coupon.templateId === id).length ?? 0;
      const state = claiming.has(id) ? "claiming" : held >= offer.perShopperLimit ? "claimed" : "open";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "claim";
      button.dataset.state = state;
      button.textContent = t(state === "claiming" ? "coupon_claiming" : state === "claimed" ? "coupon_claimed" : "coupon_claim");
      // The button says what it does; the coupon it claims is its description.
      button.setAttribute("aria-describedby", headline.id);
      button.disabled = state !== "open" || session !== "ready";
      button.addEventListener("click", () => void claim(offer));
      li.append(text, button);
      return li;
    }),
  );
}

/**
 * Claims one coupon. One Idempotency-Key per click: the retry after a network error sends the
 * same one, so it answers the coupon that click claimed rather than claiming a second.
 */
async function claim(offer: CouponOffer): Promise<void> {
  const id = offer.templateId;
  if (session !== "ready" || claiming.has(id)) return;
  const key = crypto.randomUUID();
  claiming.add(id);
  $("coupon-note").textContent = "";
  $("coupon-message").textContent = "";
  renderOffers();
  const request = () =>
    api<{ coupon: WalletCoupon; replayed: boolean }>(`/api/coupons/${encodeURIComponent(id)}/claim`, {
      method: "POST",
      body: {},
      headers: { "Idempotency-Key": key },
    });
  try {
    const { coupon } = await request().catch((error: unknown) => {
      if (error instanceof ApiError && error.code === "network") return request();
      throw error;
    });
    wallet = [coupon, ...(wallet ?? []).filter((held) => held.id !== coupon.id)];
    $("coupon-note").textContent = t("coupon_claimedNote", { coupon: couponHeadline(coupon) });
  } catch (error) {
    // limit_exceeded's own words speak of the sale's units; here it is the coupon's limit.
    const limit = error instanceof ApiError && error.code === "limit_exceeded";
    $("coupon-message").textContent = limit ? t("coupon_limitReached") : error instanceof ApiError ? error.message : t("error_internal");
  }
  claiming.delete(id);
  // What is left in the pools, and the wallet as the server has it.
  await Promise.all([loadOffers(), loadWallet()]);
}

/** The coupons claimable for this SKU now; a failure leaves the strip as it was (coupons are a nicety here). */
async function loadOffers(): Promise<void> {
  try {
    offers = (await api<{ coupons: CouponOffer[] }>(`/api/coupons?sku=${encodeURIComponent(sku)}`)).coupons;
  } catch {
    // the sale goes on without them
  }
  renderOffers();
}

/**
 * The shopper's whole wallet (after the session: it is theirs): what they hold of each offer,
 * and, of it, what is usable for this SKU (the server's `?sku=` filter, applied here).
 */
async function loadWallet(): Promise<void> {
  try {
    wallet = (await api<{ coupons: WalletCoupon[] }>("/api/me/coupons")).coupons;
  } catch {
    // without the wallet, no price after coupon: Buy works as without coupons
  }
  renderOffers();
  render();
}

/** The promotion label in the shopper's wording (issue 13), once the variants are known; none without a discount. */
function renderPromo(unitPrice: number | null): void {
  const words = root.dataset.experiments === "ready" ? promoWording(experiments.variant("promo_label"), listPrice, unitPrice) : null;
  $("promo").hidden = words === null;
  $("promo").textContent = words ? t(words.key, words.values) : "";
}

/** The variants are known: the static countdown takes the canvas's place if that is the shopper's. */
function applyVariants(): void {
  if (experiments.variant("countdown") === "static") {
    countdown.stop();
    $("countdown").hidden = true;
    countdown = new StaticCountdown($("countdown-static"), () => clock.now());
    shownPhase = null; // counts again, on the new countdown
  }
  render();
}

/** Counts to the start while upcoming, then to the end; re-renders at each boundary. */
function retarget(phase: ClientPhase): void {
  if (phase === "upcoming") {
    $("countdown-label").textContent = t("opensIn");
    countdown.countTo(snapshot.startsAt, render, true);
  } else if (phase === "ended") {
    $("countdown-label").textContent = t("saleEnded");
    countdown.countTo(snapshot.endsAt);
  } else {
    $("countdown-label").textContent = t("endsIn");
    countdown.countTo(snapshot.endsAt, render);
  }
  // The static time says it all ("23:59 结束"), but for an ended sale, which says so.
  const isStatic = countdown instanceof StaticCountdown;
  $("countdown-label").hidden = isStatic && phase !== "ended";
  $("countdown-static").hidden = !isStatic || phase === "ended";
}

/** Gets the session cookie (`POST /api/session`), retrying with backoff until it is issued. */
async function startSession(): Promise<void> {
  for (let failures = 0; ; failures++) {
    try {
      await api<{ shopperId: string }>("/api/session", { method: "POST" });
      session = "ready";
      render();
      return;
    } catch {
      session = "retrying";
      render();
      await new Promise((resolve) => setTimeout(resolve, SESSION_RETRY_MS[Math.min(failures, SESSION_RETRY_MS.length - 1)]));
    }
  }
}

async function buy(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  if (session !== "ready" || buying || (botCheck !== null && !botCheck.ready)) return;
  const qty = Number(qtySelect.value);
  // One key per purchase attempt, one shopper (the session came first): a retry after a
  // network error replays the same order instead of buying twice.
  const key = crypto.randomUUID();
  buying = true;
  message.textContent = "";
  render();
  try {
    // With the bot check, every attempt (the retry too) sends a token of its own: each is good once.
    const couponId = chosenCoupon();
    const body = couponId ? { sku, qty, coupons: [couponId] } : { sku, qty };
    const request = async () => {
      const headers: Record<string, string> = { "Idempotency-Key": key };
      if (botCheck) headers[TURNSTILE_TOKEN_HEADER] = await botCheck.take();
      if (queue.held) headers[QUEUE_TICKET_HEADER] = queue.held.ticket;
      return api<{ order: { id: string } }>("/api/checkout", { method: "POST", body, headers });
    };
    const { order } = await request().catch((error: unknown) => {
      if (error instanceof ApiError && error.code === "network") return request();
      throw error;
    });
    pageEvents.record({ type: "checkout_attempt", sku, category, qty, outcome: "created" });
    pageEvents.flush();
    location.assign(`/orders/${encodeURIComponent(order.id)}`);
  } catch (error) {
    pageEvents.record({ type: "checkout_attempt", sku, category, qty, outcome: error instanceof ApiError ? error.code : "internal" });
    message.textContent = error instanceof ApiError ? error.message : t("error_internal");
    buying = false;
    if (error instanceof ApiError && error.code === "rate_limited") {
      coolDown(Number(error.details.retryAfter) || 1, (s) => t("rateLimited_wait", { s }));
    }
    // Our clock ran ahead of the server's: wait the seconds it says, with the queue's note.
    if (error instanceof ApiError && error.code === "queue_not_admitted") {
      coolDown(Number(error.details.retryAfter) || 1, () => t("error_queue_not_admitted"));
    }
    // Expired, or the sale moved to another opening: join again (the next render does).
    if (error instanceof ApiError && error.code === "queue_ticket_invalid") queue.drop();
    // The coupon was taken by another order, spent or expired meanwhile: the wallet as it is now.
    if (error instanceof ApiError && error.code.startsWith("coupon_")) void loadWallet();
    render();
  }
}

/**
 * The server refused for now (429 `rate_limited`, or `queue_not_admitted`): Buy waits the
 * seconds it said (`retryAfter`, as its Retry-After header), counting down in `say`, rather
 * than let the shopper spend more tries that would be refused too.
 */
function coolDown(seconds: number, say: (secondsLeft: number) => string): void {
  coolingUntil = clock.now() + seconds * 1000;
  const tick = () => {
    const left = Math.ceil((coolingUntil - clock.now()) / 1000);
    if (left <= 0) {
      message.textContent = "";
      render();
      return;
    }
    message.textContent = say(left);
    setTimeout(tick, 1000);
  };
  tick();
  render();
}

$("buy-form").addEventListener("submit", (event) => void buy(event as SubmitEvent));
qtySelect.addEventListener("change", render);
useCoupon.addEventListener("change", render);
new LiveFeed(
  sku,
  clock,
  (next) => {
    snapshot = next;
    root.dataset.live = "ready";
    render();
  },
  (connected) => {
    $("live-status").textContent = connected ? `● ${t("liveConnected")}` : t("liveReconnecting");
    $("live-status").dataset.connected = String(connected);
  },
).connect();
render();
experiments.onSettled(applyVariants);
setTimeout(() => (root.dataset.live = "ready"), LIVE_WAIT_MS);
// The assignments follow the session: asked together, a new shopper would be issued two identities.
const sessionStarted = startSession();
void sessionStarted.then(() => {
  experiments.load();
  void loadWallet();
  void memberPrice.load().then(render);
});
void loadOffers();
// Share links (issue 14): the landing recorded and the share panel, after the session too.
mountSaleShare(sku, sessionStarted);
void mountRecommendations("sale", sku, sessionStarted);
// Ads (issue 18): after the session, so the slot never issues a second identity.
void sessionStarted.then(() => fillAdSlots());
pageEvents.record({ type: "page_view" });
pageEvents.record({ type: "product_view", sku, category });
