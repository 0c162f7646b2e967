import { formatMoney } from "../../src/money.ts";
import type { SkuSnapshot } from "../../src/sales/snapshot.ts";
import { api, ApiError } from "./shared/api.ts";
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
  buyButton.dataset.state = state;
  buyButton.disabled = buying || state !== "live";
  buyButton.textContent = buying ? t("buying") : t(`buy_${state}`);
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

async function buy(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const qty = Number(($("qty") as HTMLSelectElement).value);
  // One key per purchase attempt: a retry after a network error cannot buy twice.
  const key = crypto.randomUUID();
  buying = true;
  message.textContent = "";
  render();
  try {
    const request = () =>
      api<{ order: { id: string } }>("/api/checkout", { method: "POST", body: { sku, qty }, headers: { "Idempotency-Key": key } });
    const { order } = await request().catch((error: unknown) => {
      if (error instanceof ApiError && error.code === "network") return request();
      throw error;
    });
    location.assign(`/orders/${encodeURIComponent(order.id)}`);
  } catch (error) {
    message.textContent = error instanceof ApiError ? error.message : t("error_internal");
    buying = false;
    render();
  }
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
