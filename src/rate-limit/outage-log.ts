/**
 * Reports of a dependency that did not answer, at most one per `everyMs`, each saying how many
 * were held back since the last: while Redis is down in a flash sale, every shopper write fails
 * open (issue 12), and a log line per request would be thousands a second.
 */
export class OutageLog {
  readonly #everyMs: number;
  readonly #now: () => number;
  readonly #write: (line: string) => void;
  #quietUntil = Number.NEGATIVE_INFINITY;
  #heldBack = 0;

  constructor(write: (line: string) => void, everyMs = 10_000, now: () => number = Date.now) {
    this.#write = write;
    this.#everyMs = everyMs;
    this.#now = now;
  }

  /** Writes `line` now, or counts it to be mentioned by the next line written. */
  report(line: string): void {
    const now = this.#now();
    if (now < this.#quietUntil) {
      this.#heldBack++;
      return;
    }
    this.#write(this.#heldBack > 0 ? `${line} (and ${this.#heldBack} more since the last report)` : line);
    this.#heldBack = 0;
    this.#quietUntil = now + this.#everyMs;
  }
}
