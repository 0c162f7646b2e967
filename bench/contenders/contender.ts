import type { ProfileSummary } from "../profile.ts";

/** What the harness needs of each system it measures. */
export type ContenderId =
  | "fixed-json"
  | "storefront"
  /** The storefront with its sale split over K shard objects (issue 12). */
  | "storefront-k2"
  | "storefront-k4"
  | "storefront-k8"
  /** The storefront with its SKU objects in a Worker of their own (their own isolate), as production runs them. */
  | "storefront-apart"
  /** The SKU objects alone behind a front that does next to nothing: their own decision capacity. */
  | "objects-direct"
  | "redis-decr"
  | "postgres-only";

/**
 * One SKU's books once the contender is idle: what its own authority says was taken (the
 * SKU object, the Redis counter, the stock row) against what Postgres holds.
 */
export interface SkuBooks {
  stock: number;
  /** Units the contender's authority counts as taken. */
  taken: number;
  /** Units left per the authority (null when it cannot tell). */
  remaining: number | null;
  ordersInPostgres: number;
  unitsInPostgres: number;
  /**
   * Orders recorded twice: rows sharing a shopper and Idempotency-Key, plus (storefront)
   * sale ranks held by more than one order, i.e. one unit sold twice.
   */
  duplicates: number;
  /** Units above stock: in Postgres, by the authority's count, or ranks past the stock. */
  oversold: number;
  /** Changes not yet in Postgres when the harness stopped waiting: outbox entries, checkouts still in flight. */
  pendingWrites: number;
}

export interface Contender {
  id: ContenderId;
  /** A short name for tables and the chart. */
  label: string;
  /** Which runtime serves it, for the report. */
  runner: string;
  /** False for the fixed-JSON ceiling: nothing is sold, nothing to check. */
  sells: boolean;
  /** Starts the service; resolves with its base URL (ending in /). */
  start(): Promise<string>;
  /** Puts a fresh SKU on sale with this stock. */
  openSku(sku: string, stock: number): Promise<void>;
  /** Waits until nothing is in flight and every write has reached Postgres, then reads the books. */
  settle(sku: string, stock: number): Promise<SkuBooks>;
  /** Process ids whose CPU time counts as this contender's (for the CPU split). */
  pids(): number[];
  /**
   * Where its time goes: restarts the service with a profiler attached, opens `sku` with
   * `stock`, has `load(url)` drive it, and sums the profile. Only the Worker contenders.
   */
  profile?(sku: string, stock: number, load: (url: string) => Promise<void>): Promise<ProfileSummary>;
  stop(): Promise<void>;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
