import type { Store } from "../stores/store.ts";
import { haversineMeters, type LatLng } from "./great-circle.ts";
import { gridDisk, latLngToCell } from "./h3.ts";

/**
 * An in-memory spatial index of stores by H3 cell (issue 15): what turns a location ping
 * into the few stores worth measuring, instead of measuring every store.
 *
 * The choice, resolution 8 and a ring of 2: every store within INDEX_REACH_METERS (600 m,
 * the geofence's leaving distance) of a point lies in the point's cell or within 2 steps of
 * it. Why that holds whatever the cells' shapes: a cell 3 steps away is separated from the
 * point's own cell by at least two cells' worth of edges, at least 2 × the shortest edge of
 * the resolution. H3's cells vary in size over the globe; sampling every cell within 30 steps
 * of the 12 pentagons (where distortion is worst) and 20,000 random cells, the shortest edge at
 * resolution 8 is 395.6 m (average 531.4 m, longest 585.2 m), so the ring reaches at least
 * 791 m, 30 % beyond 600 m. Resolution 9 would need a ring of 5 (91 cells) for the same
 * guarantee; 8 and 2 look up 19 cells, about 14 km² around a shopper. test/unit/store-index
 * checks the claim with fast-check against brute-force haversine over random points,
 * including near the poles, the antimeridian and the pentagons.
 *
 * Candidates are then confirmed by great-circle distance (great-circle.ts): the index only
 * narrows, it never decides.
 *
 * `stores.h3_cell` exists in Postgres but is not filled yet: the index computes each store's
 * cell from its coordinates when it is built (a few thousand stores: milliseconds), so it
 * cannot disagree with them. Filling the column is for when stores are written (the store
 * routes), should a query in Postgres ever need it.
 */
export const INDEX_RESOLUTION = 8;
export const INDEX_RING = 2;
/** The farthest a query may reach and still be complete. */
export const INDEX_REACH_METERS = 600;

/** A store and how far it is from the point asked about. */
export interface StoreDistance {
  store: Store;
  distanceMeters: number;
}

export class StoreIndex {
  readonly #byCell = new Map<string, Store[]>();
  readonly size: number;

  constructor(stores: readonly Store[]) {
    for (const store of stores) {
      const cell = latLngToCell(store.latitude, store.longitude, INDEX_RESOLUTION);
      const inCell = this.#byCell.get(cell);
      if (inCell) inCell.push(store);
      else this.#byCell.set(cell, [store]);
    }
    this.size = stores.length;
  }

  /** The stores within `radiusMeters` (at most INDEX_REACH_METERS) of a point, nearest first. */
  within(point: LatLng, radiusMeters: number): StoreDistance[] {
    if (!(radiusMeters <= INDEX_REACH_METERS)) {
      throw new RangeError(`the index is complete only within ${INDEX_REACH_METERS} m, not ${radiusMeters} m`);
    }
    const found: StoreDistance[] = [];
    for (const cell of gridDisk(latLngToCell(point.latitude, point.longitude, INDEX_RESOLUTION), INDEX_RING)) {
      for (const store of this.#byCell.get(cell) ?? []) {
        const distanceMeters = haversineMeters(point, store);
        if (distanceMeters <= radiusMeters) found.push({ store, distanceMeters });
      }
    }
    return found.sort((a, b) => a.distanceMeters - b.distanceMeters || a.store.id.localeCompare(b.store.id));
  }
}
