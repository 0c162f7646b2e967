import { ApiError } from "../shared/api.ts";
import { t } from "../shared/i18n.ts";

/**
 * A refusal in the words staff at a till need (issue 15): what happened and, where the API says,
 * when and where (already redeemed), where instead (another store's coupon), or when the store
 * opens. The same wording for the preview's `refusal` and for the redemption's error answer.
 */

export interface RefusalFacts {
  code: string;
  message?: string;
  /** `already_redeemed`: when, and the store's name or id. */
  redeemedAt?: number | null;
  storeName?: string | null;
  storeId?: string | null;
  /** `not_redeemable_here`: the stores it is valid in. */
  stores?: string[] | null;
  /** `store_closed`: when the store opens, if known. */
  opensAt?: number | null;
}

const when = (at: number) =>
  new Intl.DateTimeFormat(document.documentElement.lang || "en", { dateStyle: "medium", timeStyle: "short" }).format(at);

export function refusalText(facts: RefusalFacts): string {
  switch (facts.code) {
    case "already_redeemed":
      return t("till_refusal_already_redeemed", {
        when: typeof facts.redeemedAt === "number" ? when(facts.redeemedAt) : "—",
        where: facts.storeName || facts.storeId || "—",
      });
    case "not_redeemable_here":
      return t("till_refusal_not_redeemable_here", { stores: (facts.stores ?? []).join(", ") || "—" });
    case "store_closed":
      return typeof facts.opensAt === "number"
        ? t("till_refusal_store_closedOpens", { when: when(facts.opensAt) })
        : t("till_refusal_store_closed");
    case "coupon_expired":
      return t("till_refusal_coupon_expired");
    case "invalid_code":
      return t("till_refusal_invalid_code");
    case "not_found":
      return t("till_refusal_not_found");
    case "coupon_in_use":
      return t("till_refusal_coupon_in_use");
    case "coupon_used":
      return t("till_refusal_coupon_used");
    case "network":
      return t("error_network");
    default:
      return t("till_refusal_other", { message: facts.message || facts.code });
  }
}

/** The facts of an API refusal (its code and details). */
export function factsOf(error: unknown): RefusalFacts {
  if (!(error instanceof ApiError)) return { code: "internal", message: String(error) };
  const details = error.details;
  const text = (name: string) => (typeof details[name] === "string" ? (details[name] as string) : null);
  const number = (name: string) => (typeof details[name] === "number" ? (details[name] as number) : null);
  return {
    code: error.code,
    message: text("message") ?? undefined,
    redeemedAt: number("redeemedAt"),
    storeName: text("storeName"),
    storeId: text("storeId"),
    stores: Array.isArray(details.stores) ? details.stores.filter((s): s is string => typeof s === "string") : null,
    opensAt: number("opensAt"),
  };
}
