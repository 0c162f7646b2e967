/**
 * Which adviser a shopper gets (issue 17), as a pure rule over the roster, so the Postgres
 * code (assignment-store.ts) and the property tests share it:
 *
 * - an existing assignment to an adviser still on the roster is kept (stable);
 * - a new shopper goes to the adviser on shift who was assigned a shopper least recently
 *   (never assigned first; ties by joining time, then id): round robin, whatever the order the
 *   advisers came on shift in;
 * - with nobody on shift, the same rule over the whole roster, so a shopper who writes at night
 *   still has someone who answers in the morning;
 * - each assignment stamps the adviser strictly later than every stamp before it, so two
 *   assignments in one millisecond still rotate.
 */

/** An adviser as the rule sees them. Times in epoch ms. */
export interface RosterEntry {
  id: string;
  onShift: boolean;
  /** Null while on the roster; set once they left. */
  removedAt: number | null;
  lastAssignedAt: number | null;
  createdAt: number;
}

/** The adviser the next new shopper goes to, or null when the roster is empty. */
export function nextAdviser(roster: readonly RosterEntry[]): RosterEntry | null {
  const present = roster.filter((adviser) => adviser.removedAt === null);
  const onShift = present.filter((adviser) => adviser.onShift);
  const pool = onShift.length > 0 ? onShift : present;
  let best: RosterEntry | null = null;
  for (const adviser of pool) if (best === null || before(adviser, best)) best = adviser;
  return best;
}

/** Whether `a` comes before `b` in the rotation: least recently assigned (never first), then earliest joined, then id. */
function before(a: RosterEntry, b: RosterEntry): boolean {
  const aLast = a.lastAssignedAt ?? Number.NEGATIVE_INFINITY;
  const bLast = b.lastAssignedAt ?? Number.NEGATIVE_INFINITY;
  if (aLast !== bLast) return aLast < bLast;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.id < b.id;
}

/** The stamp of an assignment made at `now`: later than every stamp on the roster, so the rotation never ties. */
export function assignmentStamp(roster: readonly RosterEntry[], now: number): number {
  const latest = Math.max(Number.NEGATIVE_INFINITY, ...roster.map((adviser) => adviser.lastAssignedAt ?? Number.NEGATIVE_INFINITY));
  return Math.max(now, latest + 1);
}

/** One shopper's adviser, chosen: who, and the roster after the choice (the chosen adviser stamped). */
export interface Pick {
  adviserId: string;
  roster: RosterEntry[];
}

/** Picks an adviser for one new shopper and stamps them; null when the roster is empty. */
export function pickAdviser(roster: readonly RosterEntry[], now: number): Pick | null {
  const chosen = nextAdviser(roster);
  if (!chosen) return null;
  const stamp = assignmentStamp(roster, now);
  return {
    adviserId: chosen.id,
    roster: roster.map((adviser) => (adviser.id === chosen.id ? { ...adviser, lastAssignedAt: stamp } : adviser)),
  };
}

/**
 * The new advisers of a leaving adviser's shoppers (in the order given: longest served first),
 * round robin among those who stay; an empty map when nobody stays.
 */
export function reassign(
  roster: readonly RosterEntry[],
  leaving: string,
  shoppers: readonly string[],
  now: number,
): { moves: Map<string, string>; roster: RosterEntry[] } {
  let current = roster.map((adviser) =>
    adviser.id === leaving ? { ...adviser, onShift: false, removedAt: adviser.removedAt ?? now } : adviser,
  );
  const moves = new Map<string, string>();
  for (const shopperId of shoppers) {
    const pick = pickAdviser(current, now);
    if (!pick) break;
    moves.set(shopperId, pick.adviserId);
    current = pick.roster;
  }
  return { moves, roster: current };
}
