import type { Database } from "../db/client.ts";
import { fillSeries, type SeriesPoint } from "./buckets.ts";
import { figures, type LivestreamFigures, livestreamFigures, type StoreFigures, storeFigures, totalFigures } from "./figures.ts";
import { type LivestreamReach, livestreamReach } from "./livestream-reach.ts";
import type { LivestreamReport, StatsWindow, StoreCouponReport, StoreReport } from "./report.ts";
import { claimCounts, redemptionCounts, redemptionSeries, storeNames } from "./stats-query.ts";

/**
 * The store-coupon reports the admin routes answer (issue 15): the counts read from Postgres
 * (stats-query.ts), the livestreams' stores from KV (livestream-reach.ts), put together by the
 * pure figures (figures.ts) and buckets (buckets.ts).
 */

type Executor = Pick<Database, "execute">;

const storesOfReach = (reach: Map<string, LivestreamReach>) => (id: string) => reach.get(id)?.stores ?? [];

async function series(db: Executor, window: StatsWindow, filter: { livestreamId?: string; storeId?: string }): Promise<SeriesPoint[]> {
  const counts = await redemptionSeries(db, { from: window.from, to: window.to, ...filter }, window.bucket, window.timeZone);
  return fillSeries(counts, window.from, window.to, window.bucket, window.timeZone);
}

async function named<T extends StoreFigures>(db: Executor, rows: T[]): Promise<Array<T & { name: string | null }>> {
  const names = await storeNames(
    db,
    rows.map((row) => row.storeId),
  );
  return rows.map((row) => ({ ...row, name: names.get(row.storeId) ?? null }));
}

const titled = <T extends LivestreamFigures>(rows: T[], reach: Map<string, LivestreamReach>) =>
  rows.map((row) => ({ ...row, title: reach.get(row.livestreamId)?.title ?? null }));

/** Every livestream and every store with figures in the window, the totals, and all redemptions over time. */
export async function storeCouponReport(db: Executor, kv: KVNamespace, window: StatsWindow): Promise<StoreCouponReport> {
  const filter = { from: window.from, to: window.to };
  const [claims, redemptions, points] = await Promise.all([claimCounts(db, filter), redemptionCounts(db, filter), series(db, window, {})]);
  const reach = await livestreamReach(kv, [
    ...claims.map((c) => c.livestreamId),
    ...redemptions.flatMap((r) => (r.livestreamId ? [r.livestreamId] : [])),
  ]);
  return {
    window,
    totals: totalFigures(claims, redemptions),
    livestreams: titled(livestreamFigures(claims, redemptions), reach),
    stores: await named(db, storeFigures(claims, redemptions, storesOfReach(reach))),
    series: points,
  };
}

/** One livestream's figures, per store, and its redemptions over time; null when nothing is known of it (no configuration, no event). */
export async function livestreamReport(db: Executor, kv: KVNamespace, id: string, window: StatsWindow): Promise<LivestreamReport | null> {
  const filter = { from: window.from, to: window.to, livestreamId: id };
  const [claims, redemptions, points, reach] = await Promise.all([
    claimCounts(db, filter),
    redemptionCounts(db, filter),
    series(db, window, { livestreamId: id }),
    livestreamReach(kv, [id]),
  ]);
  const config = reach.get(id);
  if (!config && claims.length === 0 && redemptions.length === 0) return null;
  return {
    window,
    livestream: { id, title: config?.title ?? null, stores: config?.stores ?? [] },
    figures: totalFigures(claims, redemptions),
    stores: await named(db, storeFigures(claims, redemptions, storesOfReach(reach), config?.stores ?? [])),
    series: points,
  };
}

/** One store's figures, per livestream, and its redemptions over time; null when there is no such store. */
export async function storeReport(db: Executor, kv: KVNamespace, id: string, window: StatsWindow): Promise<StoreReport | null> {
  const names = await storeNames(db, [id]);
  const name = names.get(id);
  if (name === undefined) return null;
  const [claims, redemptions, points] = await Promise.all([
    claimCounts(db, { from: window.from, to: window.to }),
    redemptionCounts(db, { from: window.from, to: window.to, storeId: id }),
    series(db, window, { storeId: id }),
  ]);
  const reach = await livestreamReach(
    kv,
    claims.map((c) => c.livestreamId),
  );
  // Only the claims of the livestreams that list this store could be redeemed here.
  const reachable = claims.filter((c) => reach.get(c.livestreamId)?.stores.includes(id));
  const store = storeFigures(reachable, redemptions, storesOfReach(reach), [id]).find((row) => row.storeId === id);
  return {
    window,
    store: { id, name },
    figures: figures(store?.claimed ?? 0, store?.redeemed ?? 0),
    livestreams: titled(livestreamFigures(reachable, redemptions), reach),
    series: points,
  };
}
