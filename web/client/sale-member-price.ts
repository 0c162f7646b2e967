import { memberUnitPrice } from "../../src/membership/member-pricing.ts";
import { formatMoney } from "../../src/money.ts";
import { api } from "./shared/api.ts";
import { lang, t } from "./shared/i18n.ts";

/**
 * The shopper's member price on a sale that opts in (issue 16): the cached page is the same for
 * everyone, so the shopper's tier is read here, once the session is there, from
 * `GET /api/me/membership`, and #member-price shows the current unit price less the tier's
 * percent. No tier, a tier without a member price, or a read that fails: nothing is shown, and
 * the checkout prices as the server decides anyway.
 */
export class MemberPrice {
  #tier: { name: string; percentOff: number } | null = null;
  readonly #box: HTMLElement;
  readonly #optedIn: boolean;

  constructor(box: HTMLElement, optedIn: boolean) {
    this.#box = box;
    this.#optedIn = optedIn;
  }

  /** Reads the shopper's tier (a sale without member prices never asks). */
  async load(): Promise<void> {
    if (!this.#optedIn) return;
    try {
      const membership = await api<{
        tier: string | null;
        tierName: { "zh-CN": string; en: string } | null;
        benefits: { memberPricePercentOff: number };
      }>("/api/me/membership");
      const percentOff = membership.benefits.memberPricePercentOff;
      if (membership.tier && percentOff > 0) {
        const names = membership.tierName ?? { "zh-CN": membership.tier, en: membership.tier };
        this.#tier = { name: lang === "zh-CN" ? names["zh-CN"] : names.en, percentOff };
      }
    } catch {
      // no member price shown; Buy works the same
    }
  }

  /** What `subtotal` fen of units cost this shopper before coupons: the member price off, rounded as the order rounds it. */
  subtotal(subtotal: number): number {
    return this.#tier ? subtotal - Math.floor((subtotal * this.#tier.percentOff) / 100) : subtotal;
  }

  render(unitPrice: number | null): void {
    const tier = this.#tier;
    this.#box.hidden = tier === null || unitPrice === null;
    if (!tier || unitPrice === null) return;
    this.#box.dataset.percentOff = String(tier.percentOff);
    this.#box.textContent = t("sale_memberPrice", {
      tier: tier.name,
      price: formatMoney(memberUnitPrice(unitPrice, tier.percentOff)),
      percent: tier.percentOff,
    });
  }
}
