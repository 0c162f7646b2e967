import type { MemberStanding } from "../../src/membership/member-standing.ts";
import { formatMoney } from "../../src/money.ts";
import { ApiError, api } from "./shared/api.ts";
import { lang, t } from "./shared/i18n.ts";

/** The shopper's membership as `GET /api/me/membership` answers it (workers/storefront/api/membership.ts). */
type Membership = Omit<MemberStanding, "recomputedAt"> & {
  priceProtection: {
    total: number;
    credits: Array<{ orderId: string; sku: string; paidUnitPrice: number; dropPrice: number; amount: number; at: number }>;
  };
};

const dates = new Intl.DateTimeFormat(lang, { dateStyle: "medium" });
const local = (names: { "zh-CN": string; en: string }) => (lang === "zh-CN" ? names["zh-CN"] : names.en);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text: string, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = text;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/** The lines of what the tier gives, perks last. */
function benefitLines(b: Membership["benefits"]): string[] {
  return [
    b.protectionDays > 0 ? t("benefit_protection", { days: b.protectionDays }) : "",
    b.pointsMultiplierPercent !== 100 ? t("benefit_points", { percent: b.pointsMultiplierPercent }) : "",
    b.memberPricePercentOff > 0 ? t("benefit_memberPrice", { percent: b.memberPricePercentOff }) : "",
    b.welcomePoints > 0 ? t("benefit_welcomePoints", { points: b.welcomePoints }) : "",
    ...b.couponTemplates.map((id) => t("benefit_coupon", { id })),
    ...b.perks,
  ].filter(Boolean);
}

function render(section: HTMLElement, m: Membership): void {
  const head = el("p", m.tierName ? local(m.tierName) : t("membershipNoTier"), { class: "tier-name", "data-tier": m.tier ?? "" });
  if (m.tierSince !== null && m.tier)
    head.append(el("span", ` · ${t("membershipSince", { date: dates.format(m.tierSince) })}`, { class: "meta" }));
  const standing = el("p", t("membershipStanding", { spend: formatMoney(m.spend12m), points: m.points12m }), { class: "meta" });
  const progress = document.createElement("div");
  progress.className = "tier-progress";
  if (m.next) {
    const missing = [
      m.next.spendToGo !== null ? t("membershipNextSpend", { spend: formatMoney(m.next.spendToGo) }) : "",
      m.next.pointsToGo !== null ? t("membershipNextPoints", { points: m.next.pointsToGo }) : "",
    ]
      .filter(Boolean)
      .join(t("membershipOr"));
    const bar = el("progress", "", { max: "100", value: String(m.next.percent), "aria-label": local(m.next.tierName) });
    progress.append(bar, el("p", t("membershipNext", { missing, tier: local(m.next.tierName) }), { id: "tier-next" }));
  } else if (m.tier) progress.append(el("p", t("membershipTop")));
  const lines = benefitLines(m.benefits);
  const benefits = document.createElement("ul");
  benefits.id = "tier-benefits";
  benefits.append(...(lines.length ? lines.map((line) => el("li", line)) : [el("li", t("membershipNoBenefits"))]));
  const credits = document.createElement("ul");
  credits.id = "price-credits";
  credits.append(
    ...(m.priceProtection.credits.length
      ? m.priceProtection.credits.map((c) =>
          el(
            "li",
            t("priceProtectionCredit", {
              sku: c.sku,
              paid: formatMoney(c.paidUnitPrice),
              drop: formatMoney(c.dropPrice),
              amount: formatMoney(c.amount),
            }),
            { "data-order-id": c.orderId },
          ),
        )
      : [el("li", t("priceProtectionNone"))]),
  );
  section.dataset.state = "ready";
  section.replaceChildren(
    el("h2", t("membershipTitle"), { id: "membership-title" }),
    head,
    standing,
    progress,
    el("h3", t("membershipBenefits")),
    benefits,
    el("h3", t("priceProtectionTitle")),
    el("p", t("priceProtectionTotal", { amount: formatMoney(m.priceProtection.total) }), { id: "price-credit-total", class: "meta" }),
    credits,
  );
}

/**
 * "My membership" on /me (issue 16): the shopper's tier, progress to the next by either
 * threshold, what the tier gives, and the price-protection credits paid them. Mounted by
 * me.page.ts after the profile's read (which issued the session).
 */
export async function mountMembership(): Promise<void> {
  const section = document.getElementById("membership");
  if (!section) return;
  try {
    render(section, await api<Membership>("/api/me/membership"));
  } catch (error) {
    section.dataset.state = "error";
    section.replaceChildren(el("h2", t("membershipTitle")), el("p", error instanceof ApiError ? error.message : t("error_internal")));
  }
}
