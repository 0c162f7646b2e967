/**
 * The geofence's hysteresis (issue 15), per shopper and store: a shopper is inside a store's
 * fence from the moment a ping is at most ENTER_METERS away, and stays inside until a ping is
 * more than LEAVE_METERS away. Entering is what may push; the 100 m between the two keeps a
 * phone whose fix wanders around 500 m from entering again and again (the daily cap in
 * daily-cap.ts bounds the pushes anyway; the hysteresis keeps the page's own banner calm too).
 *
 * At 499 m: enters. At 501 m from outside: stays outside. At 550 m from inside: stays inside,
 * no new push. At 601 m: leaves.
 *
 * A fix vaguer than MAX_ACCURACY_METERS moves no fence, in or out: a desktop browser located by
 * its IP address reports a city centre kilometres off, and must neither push the store there
 * nor take a shopper out of the one they stand in.
 */
export const ENTER_METERS = 500;
export const LEAVE_METERS = 600;
export const MAX_ACCURACY_METERS = 250;

/**
 * Whether a shopper is inside after a ping at `distanceMeters` (null: farther than
 * LEAVE_METERS, so not even a candidate of the index).
 */
export function insideAfter(wasInside: boolean, distanceMeters: number | null): boolean {
  if (distanceMeters === null) return false;
  return distanceMeters <= (wasInside ? LEAVE_METERS : ENTER_METERS);
}

/** What one ping did to a shopper's fences. */
export interface FenceStep {
  /** The stores the shopper is inside now. */
  inside: Set<string>;
  /** The stores entered by this ping: the push candidates. */
  entered: string[];
  /** The stores left by this ping. */
  left: string[];
}

/**
 * One ping: the stores the shopper was inside before, the distance to every store within
 * LEAVE_METERS now (a store not listed is farther), and the fix's accuracy in metres when the
 * browser gave one.
 */
export function stepFences(insideBefore: ReadonlySet<string>, nearby: ReadonlyMap<string, number>, accuracyMeters?: number): FenceStep {
  if (accuracyMeters !== undefined && accuracyMeters > MAX_ACCURACY_METERS) return { inside: new Set(insideBefore), entered: [], left: [] };
  const inside = new Set<string>();
  const entered: string[] = [];
  const left: string[] = [];
  for (const storeId of new Set([...insideBefore, ...nearby.keys()])) {
    const was = insideBefore.has(storeId);
    const now = insideAfter(was, nearby.get(storeId) ?? null);
    if (now) inside.add(storeId);
    if (now && !was) entered.push(storeId);
    if (was && !now) left.push(storeId);
  }
  return { inside, entered: entered.sort(), left: left.sort() };
}
