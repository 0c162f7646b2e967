import type { PointsStatement } from "../../src/membership/points-statement.ts";
import { POINTS_CAP_PERCENT } from "../../src/membership/points-rules.ts";
import type { presentOrder } from "../../workers/storefront/api/present.ts";
import { api } from "./shared/api.ts";
import { t } from "./shared/i18n.ts";

type Order = ReturnType<typeof presentOrder>;

/**
 * "Use points" on an unpaid order (issue 16): the shopper's balance and the most this order
 * can take (half of what is left after coupons, README "Points"), and a field to choose how
 * many; `POST /api/orders/{id}/points` holds them and prices the order again (0: none). Each
 * change is one request with its own Idempotency-Key; `act` runs it as the page's other
 * actions are run (buttons off, errors shown, the order re-rendered).
 */
export function mountOrderPoints(orderId: string, act: (work: () => Promise<{ order: Order }>) => Promise<void>) {
  const form = document.getElementById("points-chooser") as HTMLFormElement | null;
  const input = document.getElementById("points-input") as HTMLInputElement | null;
  let balance: number | null = null;
  let shown: Order | null = null;

  /** The balance, read at mount and after each change; the chooser follows the order last shown. */
  async function loadBalance(): Promise<void> {
    try {
      balance = (await api<PointsStatement>("/api/me/points")).balance;
    } catch {
      balance = null; // no chooser then: the order is paid without points
    }
    if (shown) show(shown);
  }

  function show(order: Order): void {
    shown = order;
    if (!form || !input) return;
    const pending = order.status === "pending_payment";
    // What is left after coupons is the total plus the points it already uses.
    const left = order.totalAmount + order.pointsUsed;
    const max = balance === null ? 0 : Math.min(Math.floor((left * POINTS_CAP_PERCENT) / 100), balance + order.pointsUsed);
    form.hidden = !pending || balance === null || (max <= 0 && order.pointsUsed === 0);
    form.dataset.max = String(max);
    if (document.activeElement !== input) input.value = String(order.pointsUsed);
    document.getElementById("points-available")!.textContent = t("points_available", { n: balance ?? 0, max });
    document.getElementById("points-note")!.textContent = "";
  }

  form?.addEventListener("submit", (event) => {
    event.preventDefault();
    const points = Number(input?.value ?? 0);
    document.getElementById("points-note")!.textContent = t("points_applying");
    void act(() =>
      api(`/api/orders/${encodeURIComponent(orderId)}/points`, {
        method: "POST",
        body: { points: Number.isFinite(points) ? points : 0 },
        headers: { "Idempotency-Key": crypto.randomUUID() },
      }),
    ).then(loadBalance);
  });

  if (form) void loadBalance();
  return { render: show };
}
