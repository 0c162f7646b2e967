import type { ErrorCode, Failure } from "../errors.ts";

/**
 * The refusals of a Try that say something about the sale itself, not about the shopper or the
 * request: every shopper would hear them. Only these are remembered.
 */
export const REMEMBERED_CODES = ["not_started", "sold_out", "ended"] as const satisfies readonly ErrorCode[];
export type RememberedCode = (typeof REMEMBERED_CODES)[number];

/**
 * Answers after which the sale is known not to be refusing everyone: units were there
 * (a new order, `insufficient_stock`) or the sale is in a state of its own (`sale_paused`).
 */
const CLEARING_CODES: readonly ErrorCode[] = ["insufficient_stock", "sale_paused"];

export interface RefusalMemoryOptions {
  /** The clock, epoch ms: the isolate's in the Worker, a controlled one in tests. */
  now: () => number;
  /** How long a refusal is trusted after the object gave it, in ms, by code. */
  trustMs: Record<RememberedCode, number>;
  /** SKUs kept, the least recently added dropped first. */
  maxSkus: number;
  /** Idempotency-Keys kept per SKU (see `decide`), the oldest dropped first. */
  maxKeysPerSku: number;
}

/** How a request for the SKU's object ended, as the middleware in front of it saw it. */
export type Outcome =
  /** The object (or something after the memory) refused it. */
  | { kind: "refused"; failure: Failure }
  /** The object answered with an order: a new one, or the one this key made before. */
  | { kind: "placed"; replayed: boolean }
  /** Nothing is known: it failed, or it was answered before the object (a rate limit, a bot check). */
  | { kind: "unknown" };

/** A request let through to the object, to be told back with `learn`. */
export interface Ticket {
  readonly sku: string;
  /** The request's Idempotency-Key. */
  readonly key: string;
  /** The SKU's generation when it was let through: what it learns of an older one is not trusted. */
  readonly generation: number;
  /** Set when this request is the SKU's one probe: waiters are released when it is learned. */
  readonly probe: Probe | null;
}

/** What to do with a request. */
export type Decision =
  /** Answer it with this refusal, from memory: the object would say the same. */
  | { kind: "refuse"; failure: Failure }
  /** Let it through; tell back how it ended (`learn`). As a probe, it must be told back. */
  | { kind: "pass"; ticket: Ticket }
  /** Another request is asking the object now: wait for it, then decide again. */
  | { kind: "wait"; until: Promise<void> };

interface Probe {
  readonly done: Promise<void>;
  readonly release: () => void;
}

interface Remembered {
  failure: Failure;
  /** Trusted until then (exclusive), by the memory's clock. */
  until: number;
}

interface SkuState {
  generation: number;
  refusal: Remembered | null;
  probe: Probe | null;
  /** Keys whose Try made an order through this isolate: their retries go to the object, which replays the order. */
  keys: Set<string>;
}

/**
 * What a Worker isolate remembers of a SKU's refusals (issue 12, "sold out at the edge"): once
 * the SKU's object answers a Try with `sold_out` (or `not_started`, `ended`), later Tries are
 * answered the same, from memory, for a short while, and the object sees none of them. Held
 * units can come back (a hold expires, a shopper cancels, a marketer tops up), so a refusal is
 * trusted only for its `trustMs`; after that exactly one request at a time (the probe) goes to
 * the object while the others wait for it, and its answer renews the memory or clears it.
 *
 * What the object would answer differently, the memory does not answer: the retry of a Try
 * that made an order (its key is remembered here, and it goes through to be replayed). It
 * cannot know of orders made through other isolates, nor of a shopper's own refusals
 * (`limit_exceeded`, `checkout_cancelled`), which the object checks before stock: those
 * shoppers hear the sale's refusal instead, which is as true and takes nothing either.
 *
 * Pure: no timers, time from the injected clock; the middleware in front of the object
 * (workers/storefront/api/edge-verdict.ts) asks `decide` and tells back with `learn`.
 */
export class RefusalMemory {
  readonly #options: RefusalMemoryOptions;
  readonly #skus = new Map<string, SkuState>();
  /** The latest time any refusal is trusted until: before it, `anyInForce` must look. */
  #latestUntil = Number.NEGATIVE_INFINITY;

  constructor(options: RefusalMemoryOptions) {
    this.#options = options;
  }

  /** What to do with a Try of `key` for `sku`. */
  decide(sku: string, key: string): Decision {
    const state = this.#skus.get(sku);
    if (!state?.refusal || state.keys.has(key)) return this.#pass(sku, key, state, null);
    if (this.#options.now() < state.refusal.until) return { kind: "refuse", failure: state.refusal.failure };
    if (state.probe) return { kind: "wait", until: state.probe.done };
    let release = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    state.probe = { done, release };
    return this.#pass(sku, key, state, state.probe);
  }

  /**
   * The refusal `decide` would answer a Try of `key` for `sku` with now, or null, with none of
   * its side effects (no probe is started): for the Worker's front door, which answers only
   * what memory settles and leaves the rest to `decide`.
   */
  refusalFor(sku: string, key: string): Failure | null {
    const state = this.#skus.get(sku);
    if (!state?.refusal || state.keys.has(key) || this.#options.now() >= state.refusal.until) return null;
    return state.refusal.failure;
  }

  /** Whether any SKU's refusal may be in force now: false costs nothing to learn (no SKU looked at). */
  anyInForce(): boolean {
    return this.#options.now() < this.#latestUntil;
  }

  /**
   * Tells how a request let through ended: a refusal of the sale is remembered, an order (or a
   * refusal only a sale with units or a paused one gives) clears what was remembered, and the
   * key of an order is kept. A probe's waiters are released whatever the outcome.
   */
  learn(ticket: Ticket, outcome: Outcome): void {
    let state = this.#skus.get(ticket.sku);
    try {
      if (outcome.kind === "placed") {
        state ??= this.#add(ticket.sku, ticket.generation);
        this.#keep(state, ticket.key);
        if (!outcome.replayed && state.generation === ticket.generation) state.refusal = null;
      } else if (outcome.kind === "refused") {
        const { code } = outcome.failure;
        if (isRemembered(code)) {
          state ??= this.#add(ticket.sku, ticket.generation);
          if (state.generation === ticket.generation) this.#remember(state, outcome.failure);
        } else if (state && state.generation === ticket.generation && CLEARING_CODES.includes(code)) {
          state.refusal = null;
        }
      }
    } finally {
      if (ticket.probe) {
        if (state?.probe === ticket.probe) state.probe = null;
        ticket.probe.release();
      }
    }
  }

  /**
   * The sale changed through this isolate (an admin save: a top-up, a new window): every
   * refusal remembered of it is dropped, a probe's waiters are released, and answers to
   * requests let through before now no longer teach anything. Remembered keys stay: their
   * orders still exist.
   */
  forget(sku: string): void {
    const state = this.#skus.get(sku) ?? this.#add(sku, 0);
    state.generation++;
    state.refusal = null;
    const probe = state.probe;
    state.probe = null;
    probe?.release();
  }

  /** The refusal answered from memory for `sku` now, if any (for tests and diagnostics). */
  refusalOf(sku: string): Failure | null {
    const refusal = this.#skus.get(sku)?.refusal;
    return refusal && this.#options.now() < refusal.until ? refusal.failure : null;
  }

  #pass(sku: string, key: string, state: SkuState | undefined, probe: Probe | null): Decision {
    return { kind: "pass", ticket: { sku, key, generation: state?.generation ?? 0, probe } };
  }

  #keep(state: SkuState, key: string): void {
    state.keys.delete(key); // re-inserted last: the oldest is the first to go
    state.keys.add(key);
    if (state.keys.size > this.#options.maxKeysPerSku) {
      const oldest = state.keys.values().next().value;
      if (oldest !== undefined) state.keys.delete(oldest);
    }
  }

  #remember(state: SkuState, failure: Failure): void {
    const code = failure.code as RememberedCode;
    let until = this.#options.now() + this.#options.trustMs[code];
    // Not started: trusted no later than the start the object named, when the answer changes anyway.
    const startsAt = failure.details?.startsAt;
    if (code === "not_started" && typeof startsAt === "number") until = Math.min(until, startsAt);
    state.refusal = { failure, until };
    this.#latestUntil = Math.max(this.#latestUntil, until);
  }

  #add(sku: string, generation: number): SkuState {
    const state: SkuState = { generation, refusal: null, probe: null, keys: new Set() };
    this.#skus.set(sku, state);
    if (this.#skus.size > this.#options.maxSkus) {
      const [oldest, dropped] = this.#skus.entries().next().value!;
      this.#skus.delete(oldest);
      dropped.probe?.release();
    }
    return state;
  }
}

function isRemembered(code: ErrorCode): code is RememberedCode {
  return (REMEMBERED_CODES as readonly ErrorCode[]).includes(code);
}
