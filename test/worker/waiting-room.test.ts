import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SaleConfigInput } from "../../src/sales/sale-config.ts";
import { QUEUE_TICKET_HEADER, readTicket, signTicket } from "../../src/waiting-room/ticket.ts";
import { edgeClock } from "../../workers/storefront/api/sku-object.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { createSale } from "./admin-support.ts";
import { seedSale, Shopper, snapshot, type ApiError } from "./support.ts";

/**
 * The waiting room of issue 12 through the Worker, with the real KV, SKU objects and Redis (the
 * local Upstash gateway). The Worker's clock (`edgeClock`) is held and moved by hand: tickets
 * come due and expire without waiting. The SKU objects keep real time, so every sale here is
 * open in real time unless a test says otherwise.
 */

beforeEach(() => edgeClock.hold());
afterEach(() => {
  edgeClock.release();
  vi.restoreAllMocks();
});

/** The answer of `POST /api/skus/{sku}/queue`. */
interface Joined {
  ticket: string;
  place: number | null;
  admitAt: number;
  expiresAt: number;
  estimateSeconds: number;
  serverTime: number;
}

const ROOM = { admitPerSecond: 1, ticketTtlSeconds: 120 };

/**
 * A sale live since a minute ago in real time (the objects' clock), with a waiting room. The
 * Worker's clock only moves forward, so after a test that moved it, it runs ahead of real time:
 * what is asserted of admission times is relative to the tickets themselves.
 */
function roomSale(overrides: Partial<SaleConfigInput> = {}) {
  return seedSale({ startsAt: Date.now() - 60_000, waitingRoom: ROOM, perShopperLimit: 5, ...overrides });
}

async function join(shopper: Shopper, sku: string): Promise<Joined> {
  const response = await shopper.post(`/api/skus/${sku}/queue`, {});
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  return response.json<Joined>();
}

function checkout(shopper: Shopper, sku: string, ticket?: string, qty = 1): Promise<Response> {
  const headers: Record<string, string> = { "Idempotency-Key": crypto.randomUUID() };
  if (ticket !== undefined) headers[QUEUE_TICKET_HEADER] = ticket;
  return shopper.post("/api/checkout", { sku, qty }, headers);
}

async function expectRefused(response: Response, status: number, code: string): Promise<ApiError["error"]> {
  const body = await response.json<ApiError>();
  expect({ status: response.status, code: body.error.code }, JSON.stringify(body)).toEqual({ status, code });
  return body.error;
}

async function expectInvalid(response: Response, reason: string): Promise<void> {
  expect((await expectRefused(response, 403, "queue_ticket_invalid")).reason).toBe(reason);
}

/** The ticket's signed text and its signature, apart. */
function split(ticket: string): [value: string, signature: string] {
  const dot = ticket.lastIndexOf(".");
  return [ticket.slice(0, dot), ticket.slice(dot)];
}

describe("joining the queue", () => {
  it("gives places in order of arrival, each with a signed ticket and an estimate; asking again keeps the place", async () => {
    const sale = await roomSale();
    const [first, second] = [await Shopper.create(), await Shopper.create()];
    const a = await join(first, sale.sku);
    const b = await join(second, sale.sku);
    const now = edgeClock.now();

    // Nobody was waiting: the first passes at once; the second gets the next slot, a second later.
    expect(a).toMatchObject({ place: 1, estimateSeconds: 0, serverTime: now });
    expect(a.admitAt).toBeLessThanOrEqual(now);
    expect(b).toMatchObject({ place: 2, admitAt: a.admitAt + 1_000, estimateSeconds: 1 });
    expect(b.expiresAt).toBe(b.admitAt + ROOM.ticketTtlSeconds * 1_000);
    expect(await readTicket(b.ticket, TEST_SECRETS.SESSION_SECRET)).toEqual({
      sku: sale.sku,
      saleStartsAt: sale.startsAt,
      shopperId: second.id,
      place: 2,
      admitAt: b.admitAt,
      expiresAt: b.expiresAt,
    });

    expect(await join(second, sale.sku)).toEqual(b);
    expect((await join(await Shopper.create(), sale.sku)).place).toBe(3);
  });

  it("answers 404 for a SKU with no sale, 409 no_waiting_room for a sale without one, 410 once the sale has ended", async () => {
    const shopper = await Shopper.create();
    await expectRefused(await shopper.post("/api/skus/no-such-sale-here/queue", {}), 404, "not_found");
    await expectRefused(await shopper.post("/api/skus/Not_A_Sku/queue", {}), 404, "not_found");
    const plain = await seedSale();
    await expectRefused(await shopper.post(`/api/skus/${plain.sku}/queue`, {}), 409, "no_waiting_room");
    const ended = await roomSale({ startsAt: Date.now() - 7_200_000, endsAt: Date.now() - 3_600_000 });
    const error = await expectRefused(await shopper.post(`/api/skus/${ended.sku}/queue`, {}), 410, "ended");
    expect(error.endedAt).toBe(ended.endsAt);
  });

  it("keeps one place per shopper and gives 50 concurrent arrivals the places 1..50, admitted in that order", async () => {
    // Not yet open (in the Worker's time and the object's): the whole rush waits for the opening.
    const startsAt = Math.max(Date.now(), edgeClock.now()) + 600_000;
    const sale = await seedSale({ startsAt, endsAt: startsAt + 3_600_000, waitingRoom: { admitPerSecond: 7, ticketTtlSeconds: 600 } });
    const shoppers = await Promise.all(Array.from({ length: 50 }, () => Shopper.create()));
    const repeat = shoppers[17]!;
    const joined = await Promise.all([
      ...shoppers.map((shopper) => join(shopper, sale.sku)),
      ...Array.from({ length: 4 }, () => join(repeat, sale.sku)),
    ]);
    const places = joined.slice(0, 50).map((j) => j.place!);
    expect([...places].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // The same shopper asking five times at once holds one place.
    expect(new Set(joined.filter((_, i) => i === 17 || i >= 50).map((j) => j.place)).size).toBe(1);
    for (const j of joined) expect(j.admitAt).toBe(startsAt + Math.floor(((j.place! - 1) * 1000) / 7));
  });
});

describe("checking out with a waiting room", () => {
  it("takes an admitted ticket of the shopper's own, and refuses a checkout without one, taking nothing", async () => {
    const sale = await roomSale();
    const shopper = await Shopper.create();
    const { ticket } = await join(shopper, sale.sku);
    const before = await snapshot(sale.sku);
    await expectInvalid(await checkout(shopper, sale.sku), "missing");
    expect((await snapshot(sale.sku)).stock).toEqual(before.stock);
    expect((await checkout(shopper, sale.sku, ticket)).status).toBe(201);
    // Good for more than one checkout while it lasts (the per-shopper limit still holds).
    expect((await checkout(shopper, sale.sku, ticket)).status).toBe(201);
    expect((await snapshot(sale.sku)).stock.held).toBe(2);
  });

  it("refuses a ticket before its turn with 429, Retry-After, place and admitAt; takes it once its turn comes", async () => {
    const sale = await roomSale();
    await join(await Shopper.create(), sale.sku);
    const shopper = await Shopper.create();
    const { ticket, admitAt } = await join(shopper, sale.sku);
    const response = await checkout(shopper, sale.sku, ticket);
    expect(response.headers.get("Retry-After")).toBe("1");
    expect(await expectRefused(response, 429, "queue_not_admitted")).toMatchObject({ place: 2, admitAt, retryAfter: 1 });
    expect((await snapshot(sale.sku)).stock.held).toBe(0);

    edgeClock.advance(admitAt - edgeClock.now() - 1);
    await expectRefused(await checkout(shopper, sale.sku, ticket), 429, "queue_not_admitted");
    edgeClock.advance(1);
    expect((await checkout(shopper, sale.sku, ticket)).status).toBe(201);
  });

  it("refuses forged tickets: made up, signed with another secret, or a signature moved onto another text", async () => {
    const sale = await roomSale();
    const shopper = await Shopper.create();
    const joined = await join(shopper, sale.sku);
    const claims = (await readTicket(joined.ticket, TEST_SECRETS.SESSION_SECRET))!;
    await expectInvalid(await checkout(shopper, sale.sku, "not-a-ticket"), "forged");
    await expectInvalid(await checkout(shopper, sale.sku, await signTicket(claims, "some-other-secret-0123456789")), "forged");
    const [, signature] = split(joined.ticket);
    const [longer] = split(await signTicket({ ...claims, expiresAt: claims.expiresAt + 3_600_000 }, "x"));
    await expectInvalid(await checkout(shopper, sale.sku, longer + signature), "forged");
    await expectInvalid(await checkout(shopper, sale.sku, "x".repeat(5_000)), "forged");
    expect((await snapshot(sale.sku)).stock.held).toBe(0);
  });

  it("refuses a reordered ticket: a later place moved ahead, by its place or its admitAt, or with an earlier place's signature", async () => {
    const sale = await roomSale();
    const first = await Shopper.create();
    const later = await Shopper.create();
    const a = await join(first, sale.sku);
    const b = await join(later, sale.sku);
    const claims = (await readTicket(b.ticket, TEST_SECRETS.SESSION_SECRET))!;
    const [, bSignature] = split(b.ticket);
    const [, aSignature] = split(a.ticket);
    for (const moved of [
      { ...claims, place: 1 },
      { ...claims, admitAt: a.admitAt },
      { ...claims, place: 1, admitAt: a.admitAt },
    ]) {
      const [text] = split(await signTicket(moved, "unknown"));
      await expectInvalid(await checkout(later, sale.sku, text + bSignature), "forged");
      await expectInvalid(await checkout(later, sale.sku, text + aSignature), "forged");
    }
    await expectRefused(await checkout(later, sale.sku, b.ticket), 429, "queue_not_admitted");
    expect((await snapshot(sale.sku)).stock.held).toBe(0);
  });

  it("refuses another shopper's ticket, and a ticket of another sale or of the sale's earlier opening", async () => {
    const sale = await roomSale();
    const other = await roomSale();
    const owner = await Shopper.create();
    const { ticket } = await join(owner, sale.sku);
    await expectInvalid(await checkout(await Shopper.create(), sale.sku, ticket), "other_shopper");
    await expectInvalid(await checkout(owner, other.sku, ticket), "other_sale");

    // The sale moved to another opening: a new queue, and tickets of the old one no longer admit.
    const claims = (await readTicket(ticket, TEST_SECRETS.SESSION_SECRET))!;
    const earlier = await signTicket({ ...claims, saleStartsAt: claims.saleStartsAt - 60_000 }, TEST_SECRETS.SESSION_SECRET);
    await expectInvalid(await checkout(owner, sale.sku, earlier), "other_sale");
    expect((await snapshot(sale.sku)).stock.held + (await snapshot(other.sku)).stock.held).toBe(0);
  });

  it("refuses an expired ticket, and the shopper joins again at the back", async () => {
    const sale = await roomSale();
    const shopper = await Shopper.create();
    const joined = await join(shopper, sale.sku);
    await join(await Shopper.create(), sale.sku);
    edgeClock.advance(joined.expiresAt - edgeClock.now() - 1);
    expect((await checkout(shopper, sale.sku, joined.ticket)).status).toBe(201);
    edgeClock.advance(1);
    await expectInvalid(await checkout(shopper, sale.sku, joined.ticket), "expired");
    const again = await join(shopper, sale.sku);
    expect(again.place).toBe(3);
    expect(again.ticket).not.toBe(joined.ticket);
    expect((await checkout(shopper, sale.sku, again.ticket)).status).toBe(201);
  });

  it("admits concurrent checkouts in order of place: at each moment exactly the places whose turn has come", async () => {
    const sale = await roomSale({ waitingRoom: { admitPerSecond: 2, ticketTtlSeconds: 600 } });
    const shoppers = await Promise.all(Array.from({ length: 12 }, () => Shopper.create()));
    const joined = await Promise.all(shoppers.map((shopper) => join(shopper, sale.sku)));
    const byPlace = joined.map((j, i) => ({ ...j, shopper: shoppers[i]! })).sort((x, y) => x.place! - y.place!);
    for (let i = 1; i < byPlace.length; i++) expect(byPlace[i]!.admitAt).toBeGreaterThan(byPlace[i - 1]!.admitAt);

    const bought = new Set<number>();
    for (const checkpoint of [3, 7, 12]) {
      edgeClock.advance(Math.max(0, byPlace[checkpoint - 1]!.admitAt - edgeClock.now()));
      const waiting = byPlace.filter((j) => !bought.has(j.place!));
      const answers = await Promise.all(waiting.map((j) => checkout(j.shopper, sale.sku, j.ticket)));
      answers.forEach((answer, i) => {
        const place = waiting[i]!.place!;
        expect(answer.status, `place ${place} at checkpoint ${checkpoint}`).toBe(place <= checkpoint ? 201 : 429);
        if (answer.status === 201) bought.add(place);
      });
    }
    expect((await snapshot(sale.sku)).stock.held).toBe(12);
  });

  it("asks nothing of a sale without a waiting room, and applies one turned on through the admin API at once", async () => {
    const shopper = await Shopper.create();
    const plain = await seedSale();
    expect((await checkout(shopper, plain.sku)).status).toBe(201);
    const saved = await createSale({ waitingRoom: { admitPerSecond: 100 } });
    await expectInvalid(await checkout(shopper, saved.sale.sku), "missing");
    const { ticket } = await join(shopper, saved.sale.sku);
    expect((await checkout(shopper, saved.sale.sku, ticket)).status).toBe(201);
  });
});

describe("when Redis does not answer", () => {
  const redisUrl = (input: RequestInfo | URL): boolean =>
    String(input instanceof Request ? input.url : input).startsWith(env.UPSTASH_REDIS_REST_URL);

  it("lets the shopper through without a place (fail open), with a ticket that admits now", async () => {
    const sale = await roomSale();
    await join(await Shopper.create(), sale.sku);
    const shopper = await Shopper.create();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) =>
      redisUrl(input) ? Promise.reject(new Error("Network connection lost.")) : realFetch(input, init),
    );
    const joined = await join(shopper, sale.sku);
    vi.mocked(globalThis.fetch).mockRestore();
    expect(joined).toMatchObject({ place: null, admitAt: edgeClock.now(), estimateSeconds: 0 });
    expect(errors.mock.calls.flat().join(" ")).toMatch(/waiting room: no answer from Redis/);
    // The gate needs no Redis: the ticket is checked by its signature.
    expect((await checkout(shopper, sale.sku, joined.ticket)).status).toBe(201);
  });
});

describe("the document", () => {
  it("describes the queue route and the checkout's ticket header, with 429's Retry-After", async () => {
    const response = await new Shopper().request("/api/openapi.json");
    // biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document read as plain JSON
    const doc = await response.json<any>();
    const queue = doc.paths["/api/skus/{sku}/queue"].post;
    expect(queue.responses["200"].content["application/json"].schema.$ref).toBe("#/components/schemas/QueueTicket");
    expect(queue["x-error-codes"]).toEqual(expect.arrayContaining(["not_found", "no_waiting_room", "ended", "rate_limited"]));
    const checkoutOp = doc.paths["/api/checkout"].post;
    expect(checkoutOp.parameters.map((p: { name: string }) => p.name)).toContain(QUEUE_TICKET_HEADER);
    expect(checkoutOp.responses["403"]["x-error-codes"]).toContain("queue_ticket_invalid");
    expect(checkoutOp.responses["429"]["x-error-codes"]).toEqual(expect.arrayContaining(["rate_limited", "queue_not_admitted"]));
    expect(checkoutOp.responses["429"].headers["Retry-After"]).toBeDefined();
  });
});
