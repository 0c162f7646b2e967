import { VersionedCatalog } from "../kv/versioned-catalog.ts";
import { COUPON_KEY_PREFIX, couponHistoryPrefix, type CouponTemplate, couponTemplateSchema } from "./coupon-template.ts";

/**
 * Coupon templates in Workers KV (issue 14), beside the sales (binding SALES): `coupon:<id>`,
 * and every version at `coupon-history:<id>:<version, 10 digits>` (src/kv/versioned-catalog.ts).
 */
export class CouponCatalog {
  private readonly catalog: VersionedCatalog<CouponTemplate>;

  constructor(kv: KVNamespace) {
    this.catalog = new VersionedCatalog(kv, {
      prefix: COUPON_KEY_PREFIX,
      historyPrefix: couponHistoryPrefix,
      schema: couponTemplateSchema,
    });
  }

  find(id: string): Promise<CouponTemplate | null> {
    return this.catalog.find(id);
  }

  /** Every template, the soonest valid first. */
  async list(): Promise<CouponTemplate[]> {
    return (await this.catalog.list()).sort((a, b) => a.validFrom - b.validFrom || a.id.localeCompare(b.id));
  }

  put(template: CouponTemplate): Promise<void> {
    return this.catalog.put(template.id, template);
  }

  history(id: string, limit: number): Promise<CouponTemplate[]> {
    return this.catalog.history(id, limit);
  }
}
