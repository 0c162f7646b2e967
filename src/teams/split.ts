/**
 * How a team-up red packet's pool is split among its members (issue 14, 组队瓜分红包). Money
 * is integer fen throughout: every split sums to the pool exactly and gives every member at
 * least 1 fen, so a pool must hold at least one fen per member. Randomness is passed in, so
 * a split is reproducible in a test and unpredictable in production (`secureRandom`).
 */

/** A source of uniform numbers in [0, 1), as `Math.random` is. */
export type Random = () => number;

/**
 * Equal shares: `floor(total / members)` each, and the remainder's fen one each to the first
 * members (the leader first), so no two shares differ by more than 1 fen. 10,001 fen among 4
 * is [2501, 2500, 2500, 2500].
 */
export function equalSplit(total: number, members: number): number[] {
  checkSplit(total, members);
  const base = Math.floor(total / members);
  const extra = total - base * members;
  return Array.from({ length: members }, (_, index) => base + (index < extra ? 1 : 0));
}

/**
 * WeChat's "twice the mean" random split (二倍均值法). With `remaining` fen and `left` members
 * still to draw, a member who is not the last draws a uniform integer in
 * [1, max(1, floor(2 × remaining / left) − 1)]; the last takes what remains. The mean of each
 * draw stays close to `remaining / left`, so an early member is not favoured.
 *
 * The bounds keep every share ≥ 1 fen: while `remaining ≥ left` (true at the start, since
 * `total ≥ members`), floor(2R/L) ≥ 2, so the bound is at least 1; and a draw s ≤ 2R/L − 1
 * leaves R − s ≥ R(L − 2)/L + 1 ≥ L − 1 fen for the L − 1 members after it. The `max(1, …)`
 * never binds; it is there so the rule reads the same as it is documented.
 */
export function twiceTheMeanSplit(total: number, members: number, random: Random): number[] {
  checkSplit(total, members);
  const shares: number[] = [];
  let remaining = total;
  for (let left = members; left > 1; left--) {
    const share = randomInteger(1, twiceTheMeanBound(remaining, left), random);
    shares.push(share);
    remaining -= share;
  }
  shares.push(remaining);
  return shares;
}

/** The largest share a non-last member may draw with `remaining` fen and `left` members to draw. */
export function twiceTheMeanBound(remaining: number, left: number): number {
  return Math.max(1, Math.floor((2 * remaining) / left) - 1);
}

/** Uniform numbers in [0, 1) from the platform's CSPRNG (Workers and Node both have WebCrypto): for production splits. */
export function secureRandom(): number {
  const [word] = crypto.getRandomValues(new Uint32Array(1));
  return word! / 2 ** 32;
}

/**
 * A seeded generator (mulberry32): the same seed gives the same sequence. For tests, and for a
 * caller that must replay a split; never for splits a shopper could predict.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A uniform integer in [min, max], from a random number in [0, 1). */
function randomInteger(min: number, max: number, random: Random): number {
  const draw = random();
  if (!(draw >= 0 && draw < 1)) throw new RangeError(`a random number must be in [0, 1), not ${draw}`);
  return min + Math.floor(draw * (max - min + 1));
}

/** Each member needs at least 1 fen: a split of fewer fen than members, or of nothing among nobody, is a caller's mistake. */
function checkSplit(total: number, members: number): void {
  if (!Number.isSafeInteger(members) || members < 1) throw new RangeError(`members must be a whole number of at least 1, not ${members}`);
  if (!Number.isSafeInteger(total) || total < members) {
    throw new RangeError(`total must be whole fen, at least 1 fen a member (${members}), not ${total}`);
  }
}
