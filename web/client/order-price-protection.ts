import { formatMoney } from "../../src/money.ts";
import { ApiError, api } from "./shared/api.ts";
import { t } from "./shared/i18n.ts";

/**
 * The order page's "price protection" (issue 16): on a paid order, a button that claims the
 * difference to any lower price since payment (`POST /api/orders/{id}/price-protection`) and
 * says what came back, or why nothing did. It follows the order's status as order.page.ts draws
 * it (`data-status` on #order), so it needs no read of its own.
 */
export function mountPriceProtection(order: HTMLElement): void {
  const box = document.getElementById("price-protection");
  const button = document.getElementById("claim-price-protection") as HTMLButtonElement | null;
  const status = document.getElementById("price-protection-status");
  if (!box || !button || !status) return;
  const follow = () => {
    box.hidden = order.dataset.status !== "paid";
  };
  new MutationObserver(follow).observe(order, { attributes: true, attributeFilter: ["data-status"] });
  follow();
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = t("priceProtectionClaiming");
    box.dataset.state = "busy";
    try {
      const { total } = await api<{ total: number }>(`/api/orders/${encodeURIComponent(order.dataset.orderId ?? "")}/price-protection`, {
        method: "POST",
        headers: { "Idempotency-Key": crypto.randomUUID() },
      });
      status.textContent = t("priceProtectionPaid", { amount: formatMoney(total) });
      box.dataset.state = "credited";
    } catch (error) {
      const reason = error instanceof ApiError ? error.details.reason : undefined;
      status.textContent =
        error instanceof ApiError && error.code === "no_price_credit" && typeof reason === "string"
          ? t(`noCredit_${reason}` as Parameters<typeof t>[0])
          : error instanceof ApiError
            ? error.message
            : t("error_internal");
      box.dataset.state = "refused";
    } finally {
      button.disabled = false;
    }
  });
}
