import { fillAdSlots } from "./shared/ad-slot.ts";
import { promoWording } from "../../src/experiments/promo-wording.ts";
import type { SkuSnapshot } from "../../src/sales/snapshot.ts";
import { ServerClock } from "./shared/clock.ts";
import { t } from "./shared/i18n.ts";
import { phaseAt } from "./shared/phase.ts";
import { syncOverHttp } from "./shared/time-sync.ts";
import { pageEvents } from "./shared/events.ts";
import { PageExperiments } from "./shared/experiments.ts";
import { recordLanding } from "./shared/landing.ts";
import { mountRecommendations } from "./shared/recommendations.ts";

const REFRESH_MS = 5_000;
const clock = new ServerClock();
const snapshots = new Map<string, SkuSnapshot>();
const home = document.getElementById("home")!;
/** The shopper's A/B variants (issue 13): the promotion label's wording and what shows while the live numbers load. */
const experiments = new PageExperiments("home", home);

function formatLeft(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

function render(): void {
  for (const card of document.querySelectorAll<HTMLElement>(".sale-card")) {
    const snapshot = snapshots.get(card.dataset.sku!);
    const startsAt = Number(card.dataset.startsAt);
    const endsAt = Number(card.dataset.endsAt);
    const now = clock.now();
    const role = (name: string) => card.querySelector<HTMLElement>(`[data-role="${name}"]`)!;
    role("countdown-label").textContent = now < startsAt ? t("opensIn") : t("endsIn");
    role("countdown").textContent = formatLeft(Math.max(0, (now < startsAt ? startsAt : endsAt) - now));
    renderPromo(card, role("promo"), snapshot?.price.unitPrice ?? priceShown(card));
    if (!snapshot) continue;
    const phase = phaseAt(snapshot, now);
    role("phase").textContent = t(`phase_${phase}`);
    role("phase").className = `phase phase-${phase}`;
    role("stock-fill").style.width = `${snapshot.stock.total ? (snapshot.stock.remaining / snapshot.stock.total) * 100 : 0}%`;
    role("stock-text").textContent = t("remaining", { remaining: snapshot.stock.remaining, total: snapshot.stock.total });
  }
}

/** A card's promotion label in the shopper's wording, once the variants are known; none without a discount. */
function renderPromo(card: HTMLElement, promo: HTMLElement, unitPrice: number | null): void {
  const words =
    home.dataset.experiments === "ready"
      ? promoWording(experiments.variant("promo_label"), Number(card.dataset.listPrice), unitPrice)
      : null;
  promo.hidden = words === null;
  promo.textContent = words ? t(words.key, words.values) : "";
}

/** Before the first refresh: the price the server rendered, in fen. */
function priceShown(card: HTMLElement): number | null {
  const price = card.dataset.price;
  return price ? Number(price) : null;
}

async function refresh(): Promise<void> {
  try {
    const response = await fetch("/api/sales", { cache: "no-store" });
    const { sales } = (await response.json()) as { sales: SkuSnapshot[] };
    for (const snapshot of sales) snapshots.set(snapshot.sku, snapshot);
    home.dataset.live = "ready";
    render();
  } catch {
    // keep the last numbers; the next refresh tries again
  }
}

// The bars as the server rendered them (its markup has no inline style), until the first refresh.
for (const fill of document.querySelectorAll<HTMLElement>('[data-role="stock-fill"]'))
  fill.style.width = `${Number(fill.dataset.percent) || 0}%`;
experiments.onSettled(render);
const assigned = experiments.load();
// Share links (issue 14): a landing is recorded after the assignments, whose call issued the session.
void recordLanding(assigned);
void mountRecommendations("home", null, assigned);
// Ads (issue 18): after the assignments, whose call issued the session.
void assigned.then(() => fillAdSlots());
await syncOverHttp(clock);
await refresh();
home.dataset.live = "ready"; // even when the refresh failed: the numbers shown are the server's
setInterval(render, 250);
setInterval(() => void refresh(), REFRESH_MS);
pageEvents.record({ type: "page_view" });
