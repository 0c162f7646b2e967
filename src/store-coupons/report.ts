import type { Bucket, SeriesPoint } from "./buckets.ts";
import type { Figures, LivestreamFigures, StoreFigures } from "./figures.ts";

/**
 * The store-coupon reports' shapes (issue 15), as the admin routes answer them
 * (stats-report.ts builds them): types only, so the console's script can name them too.
 */

/** The window a report covers: [from, to), bucketed by hours or days of `timeZone`. */
export interface StatsWindow {
  from: number;
  to: number;
  bucket: Bucket;
  timeZone: string;
}

export type NamedLivestreamFigures = LivestreamFigures & { title: string | null };
export type NamedStoreFigures = StoreFigures & { name: string | null };

export interface StoreCouponReport {
  window: StatsWindow;
  totals: Figures;
  livestreams: NamedLivestreamFigures[];
  stores: NamedStoreFigures[];
  series: SeriesPoint[];
}

export interface LivestreamReport {
  window: StatsWindow;
  livestream: { id: string; title: string | null; stores: string[] };
  figures: Figures;
  /** Its stores (and any other it was redeemed in): its claims, and the redemptions there. */
  stores: NamedStoreFigures[];
  series: SeriesPoint[];
}

export interface StoreReport {
  window: StatsWindow;
  store: { id: string; name: string };
  figures: Figures;
  /** The livestreams that list it (or were redeemed in it): their claims, and the redemptions here. */
  livestreams: NamedLivestreamFigures[];
  series: SeriesPoint[];
}
