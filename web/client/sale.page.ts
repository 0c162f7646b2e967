import { formatMoney } from "../../src/money.ts";
import { TURNSTILE_TOKEN_HEADER } from "../../src/bot-check/widget.ts";
import type { SkuSnapshot } from "../../src/sales/snapshot.ts";
import { api, ApiError } from "./shared/api.ts";
import { BotCheck } from "./shared/bot-check.ts";
import { ServerClock } from "./shared/clock.ts";
import { CanvasCountdown } from "./shared/countdown.ts";
import { t } from "./shared/i18n.ts";
import { LiveFeed } from "./shared/live-feed.ts";
import { phaseAt, type ClientPhase } from "./shared/phase.ts";

const root = document.getElementById("sale")!;
const sku = root.dataset.sku!;
const clock = new ServerClock();
const countdown = new CanvasCountdown(document.getElementById("countdown") as HTMLCanvasElement, () => clock.now());
const $ = (id: string) => document.getElementById(id)!;
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
  $("tier-note").textContent =
    price.unitsLeftInTier !== null && price.nextTier
      ? `${t("leftInTier", { n: price.unitsLeftInTier })} · ${t("thenPrice", { price: formatMoney(price.nextTier.unitPrice) })}`
      : "";
  for (const row of document.querySelectorAll<HTMLTableRowElement>("#tiers tr[data-from]")) {
    const next = price.tier ? price.tier.fromRank : snapshot.stock.total - snapshot.stock.remaining + 1;
    row.classList.toggle("current", next >= Number(row.dataset.from) && next <= Number(row.dataset.to));
  }
  const state = snapshot.paused ? "paused" : phase === "upcoming" ? "waiting" : phase;
  const waitingForSession = state === "live" && session !== "ready";
  const waitingForBotCheck = state === "live" && !waitingForSession && !buying && botCheck !== null && !botCheck.ready;
  buyButton.dataset.state = waitingForSession ? "session" : waitingForBotCheck ? "bot_check" : state;
  const cooling = clock.now() < coolingUntil;
  buyButton.disabled = buying || cooling || state !== "live" || waitingForSession || waitingForBotCheck;
  buyButton.textContent = buying ? t("buying") : t(`buy_${state}`);
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

/** Counts to the start while upcoming, then to the end; re-renders at each boundary. */
function retarget(phase: ClientPhase): void {
  if (phase === "upcoming") {
    $("countdown-label").textContent = t("opensIn");
    countdown.countTo(snapshot.startsAt, render);
  } else if (phase === "ended") {
    $("countdown-label").textContent = t("saleEnded");
    countdown.countTo(snapshot.endsAt);
  } else {
    $("countdown-label").textContent = t("endsIn");
    countdown.countTo(snapshot.endsAt, render);
  }
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
      return api<{ order: { id: string } }>("/api/checkout", { method: "POST", body: { sku, qty }, headers });
    };
    const { order } = await request().catch((error: unknown) => {
      if (error instanceof ApiError && error.code === "network") return request();
      throw error;
    });
    location.assign(`/orders/${encodeURIComponent(order.id)}`);
  } catch (error) {
    message.textContent = error instanceof ApiError ? error.message : t("error_internal");
    buying = false;
    if (error instanceof ApiError && error.code === "rate_limited") coolDown(Number(error.details.retryAfter) || 1);
    render();
  }
}

/**
 * The server refused for too many tries (429 `rate_limited`): Buy waits the seconds it said
 * (`retryAfter`, as its Retry-After header), counting down, rather than let the shopper spend
 * more tries that would be refused too.
 */
function coolDown(seconds: number): void {
  coolingUntil = clock.now() + seconds * 1000;
  const tick = () => {
    const left = Math.ceil((coolingUntil - clock.now()) / 1000);
    if (left <= 0) {
      message.textContent = "";
      render();
      return;
    }
    message.textContent = t("rateLimited_wait", { s: left });
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
    render();
  },
  (connected) => {
    $("live-status").textContent = connected ? `● ${t("liveConnected")}` : t("liveReconnecting");
    $("live-status").dataset.connected = String(connected);
  },
).connect();
render();
void startSession();
