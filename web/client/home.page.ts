import type { SkuSnapshot } from "../../src/sales/snapshot.ts";
import { ServerClock } from "./shared/clock.ts";
import { t } from "./shared/i18n.ts";
import { phaseAt } from "./shared/phase.ts";
import { syncOverHttp } from "./shared/time-sync.ts";
import { pageEvents } from "./shared/events.ts";

const REFRESH_MS = 5_000;
const clock = new ServerClock();
const snapshots = new Map<string, SkuSnapshot>();

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
    if (!snapshot) continue;
    const phase = phaseAt(snapshot, now);
    role("phase").textContent = t(`phase_${phase}`);
    role("phase").className = `phase phase-${phase}`;
    role("stock-fill").style.width = `${snapshot.stock.total ? (snapshot.stock.remaining / snapshot.stock.total) * 100 : 0}%`;
    role("stock-text").textContent = t("remaining", { remaining: snapshot.stock.remaining, total: snapshot.stock.total });
  }
}

async function refresh(): Promise<void> {
  try {
    const response = await fetch("/api/sales", { cache: "no-store" });
    const { sales } = (await response.json()) as { sales: SkuSnapshot[] };
    for (const snapshot of sales) snapshots.set(snapshot.sku, snapshot);
    render();
  } catch {
    // keep the last numbers; the next refresh tries again
  }
}

// The bars as the server rendered them (its markup has no inline style), until the first refresh.
for (const fill of document.querySelectorAll<HTMLElement>('[data-role="stock-fill"]'))
  fill.style.width = `${Number(fill.dataset.percent) || 0}%`;
await syncOverHttp(clock);
await refresh();
setInterval(render, 250);
setInterval(() => void refresh(), REFRESH_MS);
pageEvents.record({ type: "page_view" });
