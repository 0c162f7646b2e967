/**
 * The runtime's clock, which only tests move or hold: what a SKU object decides on (holds,
 * expiry, phases, tombstones) and what the Worker's in-isolate memories run on (issue 12:
 * which SKUs have a sale, which are sold out). A test must not sleep to see a hold run out or a
 * memory expire (STYLE.md, 13), nor have a memory expire under it while it counts what reached
 * an object: inside workerd `Date.now()` advances only across I/O, and `vi.useFakeTimers`
 * reaches neither an object's requests nor the Worker's.
 */
export class MovableClock {
  #offsetMs = 0;
  #heldAt: number | null = null;

  /** Epoch milliseconds. */
  now(): number {
    return this.#heldAt ?? Date.now() + this.#offsetMs;
  }

  /** Moves time forward by `ms` (tests only: production never calls it). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`the clock only moves forward, not by ${ms} ms`);
    if (this.#heldAt === null) this.#offsetMs += ms;
    else this.#heldAt += ms;
  }

  /** Stops time where it is until `release` (tests only); `advance` still moves it. */
  hold(): void {
    this.#heldAt ??= this.now();
  }

  /** Lets time run again from where it stands, never backwards. */
  release(): void {
    if (this.#heldAt === null) return;
    this.#offsetMs = Math.max(this.#offsetMs, this.#heldAt - Date.now());
    this.#heldAt = null;
  }
}
