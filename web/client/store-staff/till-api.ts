import { api } from "../shared/api.ts";
import type { CouponPreview, Redemption, StaffMe } from "./till-types.ts";
import type { TillCredentials } from "./credentials.ts";

/**
 * The till's calls (issue 15), each with the staff token as a bearer (never a cookie: the token
 * is the till's, not a shopper's session). Refusals come back as the shared ApiError, with the
 * code and details the page words (refusals.ts).
 */
export class TillApi {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(credentials: TillCredentials) {
    this.base = `/api/stores/${encodeURIComponent(credentials.storeId)}`;
    this.headers = { Authorization: `Bearer ${credentials.token}` };
  }

  me(): Promise<StaffMe> {
    return api<StaffMe>(`${this.base}/staff/me`, { headers: this.headers });
  }

  async lookUp(code: string): Promise<CouponPreview> {
    return (await api<{ coupon: CouponPreview }>(`${this.base}/coupons/${encodeURIComponent(code)}`, { headers: this.headers })).coupon;
  }

  /** One Idempotency-Key per confirmation: a double tap or a retry after a lost answer redeems once. */
  redeem(code: string, idempotencyKey: string): Promise<{ redemption: Redemption; replayed: boolean }> {
    return api(`${this.base}/redemptions`, {
      method: "POST",
      body: { code },
      headers: { ...this.headers, "Idempotency-Key": idempotencyKey },
    });
  }
}
