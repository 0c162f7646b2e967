/**
 * The time a SKU object runs on: the runtime's clock, shifted by an offset that only tests
 * move (`SkuSale.clockOf` inside `runInDurableObject`). Every decision the object makes
 * (holds, expiry, phases, tombstones) reads this one clock and hands it to the domain, which
 * takes time as a parameter. Tests need it because nothing else can make a hold run out at
 * once: inside workerd `Date.now()` only advances across I/O, `vi.useFakeTimers` does not
 * reach an object's request, and waiting real seconds is slow and flaky (STYLE.md, 13).
 */
export class ObjectClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves this object's time forward by `ms` (tests only: production never calls it). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`the clock only moves forward, not by ${ms} ms`);
    this.offsetMs += ms;
  }
}
