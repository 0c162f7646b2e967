import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { destination } from "../../src/geo/destination.ts";
import type { LatLng } from "../../src/geo/great-circle.ts";
import type { Store } from "../../src/stores/store.ts";
import { forgetStores } from "../../workers/storefront/api/store-directory.ts";
import { forgetLivestreamOffers, type StoreOffer } from "../../workers/storefront/api/store-offers.ts";
import worker from "../../workers/storefront/index.ts";
import { withPostgres } from "./postgres-support.ts";

/** A random place in eastern China, so that stores of parallel tests never fall near each other's. */
export function somewhere(): LatLng {
  return { latitude: 22 + Math.random() * 18, longitude: 102 + Math.random() * 18 };
}

/** Writes an active store at a point to Postgres, and makes this isolate read the stores afresh. */
export async function storeAt(where: LatLng, overrides: Partial<Store> = {}): Promise<Store> {
  const id = overrides.id ?? `geo-${crypto.randomUUID().slice(0, 12)}`;
  const store: Store = {
    id,
    name: `Store ${id}`,
    address: "1 Nanjing Road",
    city: "Shanghai",
    ...where,
    timeZone: "Asia/Shanghai",
    openingHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    redeemOnlyWhenOpen: false,
    active: true,
    ...overrides,
  };
  await withPostgres((pool) =>
    pool.query(
      `insert into stores (id, name, address, city, latitude, longitude, time_zone, opening_hours, redeem_only_when_open, active, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), now())`,
      [
        store.id,
        store.name,
        store.address,
        store.city,
        store.latitude,
        store.longitude,
        store.timeZone,
        JSON.stringify(store.openingHours),
        false,
        store.active,
      ],
    ),
  );
  forgetStores();
  forgetLivestreamOffers();
  return store;
}

/** `metres` from a point, due east-northeast (any bearing would do). */
export const metresFrom = (from: LatLng, metres: number): LatLng => destination(from, 67, metres);

export interface PingAnswer {
  nearby: Array<{ store: { id: string }; distanceMeters: number; coupons: StoreOffer[] }>;
  pushed: Array<{ store: { id: string } }>;
  degraded: boolean;
}

/**
 * A shopper calling the Worker directly (worker.fetch) with bindings of the test's choosing
 * (VAPID keys, a Redis that does not answer), and waiting for what the Worker does after its
 * answer (the push's waitUntil) before returning.
 */
export class GeoShopper {
  cookie = "";
  id = "";

  private readonly overrides: Partial<Env>;

  constructor(overrides: Partial<Env> = {}) {
    this.overrides = overrides;
  }

  static async create(overrides: Partial<Env> = {}): Promise<GeoShopper> {
    const shopper = new GeoShopper(overrides);
    const response = await shopper.send("POST", "/api/session", {});
    shopper.id = (await response.json<{ shopperId: string }>()).shopperId;
    return shopper;
  }

  async send(
    method: string,
    path: string,
    body?: unknown,
    overrides: Partial<Env> = {},
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    const headers = new Headers({ "Content-Type": "application/json", ...extraHeaders });
    if (this.cookie) headers.set("Cookie", this.cookie);
    const ctx = createExecutionContext();
    const request = new Request(`https://shop.test${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const response = await worker.fetch(request, { ...env, ...this.overrides, ...overrides }, ctx);
    await waitOnExecutionContext(ctx);
    const set = response.headers.get("Set-Cookie");
    if (set) this.cookie = set.split(";")[0] as string;
    return response;
  }

  /** Claims a store coupon on air, as the livestream page does; answers the coupon's id. */
  async claimLive(livestreamId: string, templateId: string): Promise<string> {
    const response = await this.send(
      "POST",
      `/api/livestreams/${livestreamId}/claim`,
      { templateId },
      {},
      { "Idempotency-Key": crypto.randomUUID() },
    );
    if (response.status !== 201) throw new Error(`claim answered ${response.status}: ${await response.text()}`);
    return (await response.json<{ coupon: { id: string } }>()).coupon.id;
  }

  async ping(where: LatLng & { accuracy?: number }, overrides: Partial<Env> = {}): Promise<PingAnswer> {
    const response = await this.send("POST", "/api/geo/pings", where, overrides);
    if (response.status !== 200) throw new Error(`ping answered ${response.status}: ${await response.text()}`);
    return response.json<PingAnswer>();
  }
}
