import { databaseSettings } from "../../../src/config.ts";
import type { CouponTemplate } from "../../../src/coupons/coupon-template.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { shopperSegment } from "../../../src/rfm/segment-reads.ts";

/**
 * A coupon for some RFM segments (issue 17) is claimed only by a shopper in one of them: one
 * primary-key read of their segment, made only for such a template (every other claim makes
 * no call). Outside: 403 `not_in_segment`; Postgres unreachable: 503, nothing claimed.
 */
export async function requireAudience(env: Env, template: Pick<CouponTemplate, "id" | "segments">, shopperId: string): Promise<void> {
  if (template.segments.length === 0) return;
  let segment: Awaited<ReturnType<typeof shopperSegment>>;
  try {
    segment = await withDatabase(databaseSettings(env), (db) => shopperSegment(db, shopperId));
  } catch (error) {
    if (error instanceof AppError) throw error;
    console.error(`coupon ${template.id}: the shopper's segment could not be read (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", "whether this coupon is for you cannot be told just now; try again shortly");
  }
  if (segment === null || !template.segments.includes(segment)) {
    throw new AppError("not_in_segment", "this coupon is for selected customers only", { segments: template.segments, segment });
  }
}
