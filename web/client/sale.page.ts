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
import { pageEvents } from "./shared/events.ts";
import { PageExperiments } from "./shared/experiments.ts";
import { t } from "./shared/i18n.ts";
import { LiveFeed } from "./shared/live-feed.ts";
import { phaseAt, type ClientPhase } from "./shared/phase.ts";
import { StaticCountdown } from "./shared/static-countdown.ts";
import { QueuePlace } from "./shared/waiting-room.ts";
import { mountSaleShare } from "./shared/share.ts";

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
  $("tier-note").textContent =
    price.unitsLeftInTier !== null && price.nextTier
      ? `${t("leftInTier", { n: price.unitsLeftInTier })} · ${t("thenPrice", { price: formatMoney(price.nextTier.unitPrice) })}`
      : "";
  for (const row of document.querySelectorAll<HTMLTableRowElement>("#tiers tr[data-from]")) {
    const next = price.tier ? price.tier.fromRank : snapshot.stock.total - snapshot.stock.remaining + 1;
    row.classList.toggle("current", next >= Number(row.dataset.from) && next <= Number(row.dataset.to));
  }
  const state = snapshot.paused ? "paused" : phase === "upcoming" ? "waiting" : phase;
  const now = clock.now();
  const queueing = snapshot.waitingRoom !== null && queue.state !== "off" && (phase === "upcoming" || phase === "live");
  // Joined outside this render: joining renders again.
  if (queueing && session === "ready") queueMicrotask(() => queue.join());
  const waitingForSession = state === "live" && session !== "ready";
  const waitingForTurn = state === "live" && !waitingForSession && queueing && !queue.admitted(now);
  const waitingForBotCheck = state === "live" && !waitingForSession && !waitingForTurn && !buying && botCheck !== null && !botCheck.ready;
  buyButton.dataset.state = waitingForSession ? "session" : waitingForTurn ? "queue" : waitingForBotCheck ? "bot_check" : state;
  const cooling = now < coolingUntil;
  buyButton.disabled = buying || cooling || state !== "live" || waitingForSession || waitingForTurn || waitingForBotCheck;
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
  const qty = Number(($("qty") as HTMLSelectElement).value);
  // One key per purchase attempt, one shopper (the session came first): a retry after a
  // network error replays the same order instead of buying twice.
  const key = crypto.randomUUID();
  buying = true;
  message.textContent = "";
  render();
  try {
    // With the bot check, every attempt (the retry too) sends a token of its own: each is good once.
    const request = async () => {
      const headers: Record<string, string> = { "Idempotency-Key": key };
      if (botCheck) headers[TURNSTILE_TOKEN_HEADER] = await botCheck.take();
      if (queue.held) headers[QUEUE_TICKET_HEADER] = queue.held.ticket;
      return api<{ order: { id: string } }>("/api/checkout", { method: "POST", body: { sku, qty }, headers });
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
void sessionStarted.then(() => experiments.load());
// Share links (issue 14): the landing recorded and the share panel, after the session too.
mountSaleShare(sku, sessionStarted);
pageEvents.record({ type: "page_view" });
pageEvents.record({ type: "product_view", sku, category });
