/**
 * The in-isolate cache of blocked clients that @upstash/ratelimit consults before Redis (its
 * `ephemeralCache`: identifier → when its block ends, epoch ms): a client refused once is
 * refused again without a Redis call until its window resets, so a flood costs Redis nothing.
 *
 * The library deletes an entry only when that identifier asks again after its block ended, so
 * a flood from many addresses would grow the map for as long as the isolate lives. This one is
 * bounded: when a new entry would pass `capacity`, the ended blocks are swept out, and if it is
 * still full, the oldest entries go (a client dropped from the cache is asked of Redis again,
 * which still refuses it: the cache saves calls, it does not decide).
 */
export class BlockCache extends Map<string, number> {
  readonly #capacity: number;
  readonly #now: () => number;

  constructor(capacity = 10_000, now: () => number = Date.now) {
    super();
    this.#capacity = capacity;
    this.#now = now;
  }

  override set(identifier: string, blockedUntil: number): this {
    if (!this.has(identifier) && this.size >= this.#capacity) this.#makeRoom();
    return super.set(identifier, blockedUntil);
  }

  #makeRoom(): void {
    const now = this.#now();
    for (const [identifier, blockedUntil] of this) if (blockedUntil < now) this.delete(identifier);
    for (const identifier of this.keys()) {
      if (this.size < this.#capacity) break;
      this.delete(identifier);
    }
  }
}
