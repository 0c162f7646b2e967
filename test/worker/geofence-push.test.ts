import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { endOfLocalDay } from "../../src/calendar.ts";
import { generateVapidKeys } from "../../src/push/vapid.ts";
import { edgeClock } from "../../workers/storefront/api/sku-object.ts";
import { GeoShopper, metresFrom, somewhere, storeAt } from "./geofence-support.ts";
import { withPostgres } from "./postgres-support.ts";

const pushService = inject("pushServiceUrl");
let vapid: Partial<Env>;

beforeAll(async () => {
  const keys = await generateVapidKeys();
  vapid = { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: "mailto:ops@shop.test" };
});
beforeEach(() => edgeClock.hold());
afterEach(() => edgeClock.release());

interface Minted {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A browser's subscription, minted by the local push service for this application server key. */
async function mint(applicationServerKey: string): Promise<Minted> {
  const response = await fetch(`${pushService}/_subscriptions`, { method: "POST", body: JSON.stringify({ applicationServerKey }) });
  return response.json<Minted>();
}

const deliveries = async (id: string) =>
  (await fetch(`${pushService}/_deliveries/${id}`)).json<Array<{ payload: string; ttl: number; urgency: string; topic: string }>>();
const refusals = async (id: string) =>
  (await (await fetch(`${pushService}/_refusals`)).json<Array<{ id: string; reason: string }>>()).filter((r) => r.id === id);

function subscriptionRow(endpoint: string) {
  return withPostgres(async (pool) => {
    const { rows } = await pool.query<{ shopper_id: string; failures: number; last_success_at: Date | null }>(
      "select shopper_id, failures, last_success_at from push_subscriptions where endpoint = $1",
      [endpoint],
    );
    return rows[0] ?? null;
  });
}

describe("Web Push for offers near me (issue 15), delivered to the local push service over HTTP", () => {
  it("GET /api/push/vapid-public-key: 404 push_not_configured without VAPID keys, the public key with them", async () => {
    const shopper = await GeoShopper.create();
    const off = await shopper.send("GET", "/api/push/vapid-public-key");
    expect(off.status).toBe(404);
    expect((await off.json<{ error: { code: string } }>()).error.code).toBe("push_not_configured");
    const on = await shopper.send("GET", "/api/push/vapid-public-key", undefined, vapid);
    expect(on.status).toBe(200);
    expect(await on.json()).toEqual({ publicKey: vapid.VAPID_PUBLIC_KEY });
  });

  it("entering a store's fence pushes one encrypted notice, which the push service verifies (VAPID) and decrypts; the cap holds for the push too", async () => {
    const here = somewhere();
    const store = await storeAt(here, { name: "Jing'an flagship" });
    const shopper = await GeoShopper.create(vapid);
    const browser = await mint(vapid.VAPID_PUBLIC_KEY as string);
    expect((await shopper.send("POST", "/api/push/subscriptions", { endpoint: browser.endpoint, keys: browser.keys })).status).toBe(201);

    await shopper.ping(metresFrom(here, 499));
    expect(await refusals(browser.id)).toEqual([]);
    const delivered = await deliveries(browser.id);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ ttl: 3600, urgency: "normal" });
    expect(JSON.parse(delivered[0]?.payload ?? "{}")).toEqual({
      title: "Jing'an flagship is near you",
      body: "A store near you: 1 Nanjing Road",
      url: `/stores#${store.id}`,
      tag: `near-${store.id}`,
    });
    expect(await subscriptionRow(browser.endpoint)).toMatchObject({ shopper_id: shopper.id, failures: 0 });
    expect((await subscriptionRow(browser.endpoint))?.last_success_at).not.toBeNull();

    await shopper.ping(metresFrom(here, 601));
    await shopper.ping(metresFrom(here, 499));
    expect(await deliveries(browser.id)).toHaveLength(1);
  });

  it("speaks the shopper's language: a shopper who chose Chinese gets the notice in Chinese", async () => {
    const here = somewhere();
    await storeAt(here, { name: "静安旗舰店", address: "南京西路 1 号" });
    const shopper = await GeoShopper.create(vapid);
    shopper.cookie = `${shopper.cookie}; lang=zh-CN`;
    const browser = await mint(vapid.VAPID_PUBLIC_KEY as string);
    await shopper.send("POST", "/api/push/subscriptions", { endpoint: browser.endpoint, keys: browser.keys });
    await shopper.ping(metresFrom(here, 120));
    const [delivered] = await deliveries(browser.id);
    expect(JSON.parse(delivered?.payload ?? "{}")).toMatchObject({ title: "静安旗舰店 就在您附近", body: "附近的门店：南京西路 1 号" });
  });

  it("a push service's 410 deletes the subscription; another refusal is counted against it", async () => {
    const here = somewhere();
    const store = await storeAt(here);
    const shopper = await GeoShopper.create(vapid);
    const gone = await mint(vapid.VAPID_PUBLIC_KEY as string);
    // Subscribed with another server's key: this push service refuses our JWT (403).
    const foreign = await mint((await generateVapidKeys()).publicKey);
    for (const browser of [gone, foreign])
      await shopper.send("POST", "/api/push/subscriptions", { endpoint: browser.endpoint, keys: browser.keys });
    await fetch(`${pushService}/_gone/${gone.id}`, { method: "POST" });

    await shopper.ping(metresFrom(here, 100));
    expect(await subscriptionRow(gone.endpoint)).toBeNull();
    expect(await subscriptionRow(foreign.endpoint)).toMatchObject({ failures: 1 });
    expect((await refusals(foreign.id))[0]?.reason).toMatch(/k is not the key/);

    // The next local day, the same again: one more failure counted.
    await shopper.ping(metresFrom(here, 700));
    const now = edgeClock.now();
    edgeClock.advance(endOfLocalDay(now, store.timeZone) - now + 60_000);
    await shopper.ping(metresFrom(here, 100));
    expect(await subscriptionRow(foreign.endpoint)).toMatchObject({ failures: 2 });
  });

  it("refuses a subscription with bad keys or an endpoint that is not a push service's (400), and without VAPID keys (404)", async () => {
    const shopper = await GeoShopper.create(vapid);
    const browser = await mint(vapid.VAPID_PUBLIC_KEY as string);
    const cases = [
      { endpoint: browser.endpoint, keys: { p256dh: "abc", auth: browser.keys.auth } },
      { endpoint: browser.endpoint, keys: { p256dh: browser.keys.p256dh, auth: "abc" } },
      { endpoint: "http://metadata.internal/latest", keys: browser.keys },
      { endpoint: "ftp://push.example/x", keys: browser.keys },
    ];
    for (const body of cases) {
      const response = await shopper.send("POST", "/api/push/subscriptions", body);
      expect(response.status).toBe(400);
      expect((await response.json<{ error: { code: string } }>()).error.code).toBe("invalid_request");
    }
    const off = await shopper.send(
      "POST",
      "/api/push/subscriptions",
      { endpoint: browser.endpoint, keys: browser.keys },
      {
        VAPID_PUBLIC_KEY: "",
        VAPID_PRIVATE_KEY: "",
      },
    );
    expect(off.status).toBe(404);
    expect(await subscriptionRow(browser.endpoint)).toBeNull();
  });

  it("DELETE /api/push/subscriptions removes only the shopper's own subscription", async () => {
    const owner = await GeoShopper.create(vapid);
    const other = await GeoShopper.create(vapid);
    const browser = await mint(vapid.VAPID_PUBLIC_KEY as string);
    await owner.send("POST", "/api/push/subscriptions", { endpoint: browser.endpoint, keys: browser.keys });
    const notTheirs = await other.send("DELETE", "/api/push/subscriptions", { endpoint: browser.endpoint });
    expect(await notTheirs.json()).toEqual({ removed: false });
    expect(await subscriptionRow(browser.endpoint)).not.toBeNull();
    const mine = await owner.send("DELETE", "/api/push/subscriptions", { endpoint: browser.endpoint });
    expect(await mine.json()).toEqual({ removed: true });
    expect(await subscriptionRow(browser.endpoint)).toBeNull();
  });
});
