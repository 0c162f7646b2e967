export interface VerdictCacheOptions<V> {
  /** How long a value is served again, in ms, by value: "a sale exists" may live longer than "no sale". */
  ttlMs: (value: V) => number;
  /** The clock, epoch ms: the isolate's in the Worker, a controlled one in tests. */
  now: () => number;
  /**
   * At most this many keys are kept, the least recently stored dropped first: the keys come
   * from clients (a flood of random SKUs), so the memory they take must be bounded.
   */
  maxEntries: number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

interface Flight<V> {
  promise: Promise<V>;
}

/**
 * A small in-isolate cache of answers that are slow or costly to get (issue 12: whether a SKU
 * has a sale, read from KV), with a time to live per value and one load per key at a time:
 *
 * - a fresh value is answered from memory;
 * - an expired or missing one is loaded once, and callers arriving meanwhile share that load
 *   (single flight), except that a caller holding an expired value gets it at once while
 *   someone else's load runs: at most one caller per key and TTL waits for the loader;
 * - a load that fails is not cached: its waiters get the error, or the expired value when
 *   there is one (a dependency that is down must not take away what was known), and the next
 *   caller loads again;
 * - `set` and `forget` win over a load already running: a value loaded before a change is
 *   never stored over it.
 *
 * No timers: freshness is read off the injected clock on each call.
 */
export class VerdictCache<V> {
  readonly #options: VerdictCacheOptions<V>;
  readonly #entries = new Map<string, Entry<V>>();
  readonly #flights = new Map<string, Flight<V>>();
  /** How many loads this cache has started: what it saves is what it did not load. */
  loads = 0;

  constructor(options: VerdictCacheOptions<V>) {
    this.#options = options;
  }

  /** The value for `key`: from memory while fresh, else from `load`, once per key at a time. */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.#entries.get(key);
    if (entry && this.#options.now() < entry.expiresAt) return entry.value;
    const running = this.#flights.get(key);
    if (running && entry) return entry.value;
    const flight = running ?? this.#start(key, load);
    try {
      return await flight.promise;
    } catch (error) {
      const stale = this.#entries.get(key);
      if (stale) return stale.value;
      throw error;
    }
  }

  /** The value for `key` if memory holds a fresh one; never loads. */
  peek(key: string): V | undefined {
    const entry = this.#entries.get(key);
    return entry && this.#options.now() < entry.expiresAt ? entry.value : undefined;
  }

  /** Stores `value` for `key` now (something this isolate did made it so); a load running is not stored. */
  set(key: string, value: V): void {
    this.#flights.delete(key);
    this.#store(key, value);
  }

  /** Drops what is known of `key`: the next `get` loads it. A load running is not stored. */
  forget(key: string): void {
    this.#flights.delete(key);
    this.#entries.delete(key);
  }

  /** How many keys memory holds, fresh or expired. */
  get size(): number {
    return this.#entries.size;
  }

  #start(key: string, load: () => Promise<V>): Flight<V> {
    this.loads++;
    const flight: Flight<V> = { promise: Promise.resolve().then(load) };
    this.#flights.set(key, flight);
    const settle = (value: V | undefined, ok: boolean) => {
      // Only the flight still current stores: a set or forget since it began has the last word.
      if (this.#flights.get(key) !== flight) return;
      this.#flights.delete(key);
      if (ok) this.#store(key, value as V);
    };
    flight.promise.then(
      (value) => settle(value, true),
      () => settle(undefined, false),
    );
    return flight;
  }

  #store(key: string, value: V): void {
    this.#entries.delete(key); // re-inserted last: the oldest stored is the first to go
    this.#entries.set(key, { value, expiresAt: this.#options.now() + this.#options.ttlMs(value) });
    if (this.#entries.size > this.#options.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}
