import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RATE_LIMIT_WAIT_MS } from "../../workers/storefront/api/rate-limit.ts";
import worker from "../../workers/storefront/index.ts";
import { placeOrder, seedSale, snapshot, type ApiError, type ApiOrder } from "./support.ts";

/**
 * The shopper rate limits (issue 12) through the app itself, each test with limits of its own
 * passed in the environment (the test configuration has them off: vitest.config.ts), and its
 * own client addresses and shoppers, so that no test sees another's counts. Windows are 24 h
 * (fixed windows, from midnight UTC), so a test never straddles one's end.
 */

type Limits = Partial<Pick<Env, "RATE_LIMIT_SESSION_PER_ADDRESS" | "RATE_LIMIT_WRITES_PER_SHOPPER" | "RATE_LIMIT_WRITES_PER_ADDRESS">>;

/** A client at one address (an IPv6 /64 of its own unless told), keeping its session cookie like a browser. */
class Client {
  cookie = "";
  readonly address: string;
  readonly limits: Limits & Partial<Env>;

  constructor(limits: Limits & Partial<Env>, address: string = freshAddress()) {
    this.limits = limits;
    this.address = address;
  }

  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const ctx = createExecutionContext();
    const response = await worker.request(
      `https://shop.test${path}`,
      {
        method,
        headers: {
          "CF-Connecting-IP": this.address,
          ...(method === "GET" ? {} : { "Content-Type": "application/json" }),
          ...(this.cookie ? { Cookie: this.cookie } : {}),
          ...headers,
        },
        body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
      },
      { ...env, ...this.limits },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const set = response.headers.get("Set-Cookie");
    if (set) this.cookie = set.split(";")[0]!;
    return response;
  }

  checkout(sku: string, qty = 1, key: string = crypto.randomUUID()): Promise<Response> {
    return this.send("POST", "/api/checkout", { sku, qty }, { "Idempotency-Key": key });
  }

  /** A client that is `other`'s shopper (its cookie) at this client's address and limits. */
  as(other: { cookie: string }): this {
    this.cookie = other.cookie;
    return this;
  }
}

function freshAddress(): string {
  const [a, b] = crypto.getRandomValues(new Uint16Array(2));
  return `2001:db8:${a!.toString(16)}:${b!.toString(16)}::1`;
}

/** Seconds until the 24 h window (from midnight UTC) that holds `now` ends. */
function secondsToMidnight(now: number): number {
  const day = 86_400_000;
  return Math.ceil((Math.ceil(now / day) * day - now) / 1000);
}

async function expectRateLimited(response: Response): Promise<number> {
  const body = await response.json<ApiError>();
  expect(response.status, JSON.stringify(body)).toBe(429);
  expect(body.error.code).toBe("rate_limited");
  const retryAfter = Number(response.headers.get("Retry-After"));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
  expect(body.error.retryAfter).toBe(retryAfter);
  // 24 h windows: come back when the one that refused ends.
  expect(Math.abs(retryAfter - secondsToMidnight(Date.now()))).toBeLessThanOrEqual(2);
  return retryAfter;
}

/** Calls to Redis (the Upstash REST endpoint) made while `work` runs. */
async function redisCallsDuring(work: () => Promise<unknown>): Promise<number> {
  const fetchSpy = vi.spyOn(globalThis, "fetch");
  try {
    await work();
    return fetchSpy.mock.calls.filter(([input]) => redisUrl(input)).length;
  } finally {
    fetchSpy.mockRestore();
  }
}

const redisUrl = (input: RequestInfo | URL): boolean =>
  String(input instanceof Request ? input.url : input).startsWith(env.UPSTASH_REDIS_REST_URL);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("writes per shopper", () => {
  it("refuse the write past the limit with 429 and Retry-After, taking nothing; another shopper goes on", async () => {
    const sale = await seedSale({ perShopperLimit: 10 });
    const limits = { RATE_LIMIT_WRITES_PER_SHOPPER: "3/24h" };
    const shopper = new Client(limits);
    for (let i = 0; i < 3; i++) expect((await shopper.checkout(sale.sku)).status).toBe(201);

    const before = await snapshot(sale.sku);
    await expectRateLimited(await shopper.checkout(sale.sku));
    expect((await snapshot(sale.sku)).stock).toEqual(before.stock);

    // Another shopper at the same address: counted on its own.
    const other = new Client(limits, shopper.address);
    expect((await other.checkout(sale.sku)).status).toBe(201);
    expect((await snapshot(sale.sku)).stock.held).toBe(before.stock.held + 1);
  });

  it.each([
    ["Try", "POST /api/checkout"],
    ["cancel by key", "POST /api/checkout/cancel"],
    ["Confirm", "POST /api/orders/{id}/pay"],
    ["Cancel", "POST /api/orders/{id}/cancel"],
  ])("count every shopper write: %s (%s)", async (_, operation) => {
    const { sale, shopper, order } = await placeOrder();
    const client = new Client({ RATE_LIMIT_WRITES_PER_SHOPPER: "1/24h" }).as(shopper);
    const key = crypto.randomUUID();
    const write = (): Promise<Response> => {
      switch (operation) {
        case "POST /api/checkout":
          return client.checkout(sale.sku, 1, key);
        case "POST /api/checkout/cancel":
          return client.send("POST", "/api/checkout/cancel", { sku: sale.sku }, { "Idempotency-Key": key });
        case "POST /api/orders/{id}/pay":
          return client.send("POST", `/api/orders/${order.id}/pay`, {});
        default:
          return client.send("POST", `/api/orders/${order.id}/cancel`, {});
      }
    };
    expect((await write()).status).toBeLessThan(300);
    const before = await (await client.send("GET", `/api/orders/${order.id}`)).json<{ order: ApiOrder }>();
    await expectRateLimited(await write());
    // Refused before the handler: the order is as it was (not paid, not cancelled again).
    expect(await (await client.send("GET", `/api/orders/${order.id}`)).json()).toEqual(before);
  });
});

describe("writes per client address", () => {
  it("refuse the write past the limit whoever the shopper, taking nothing; another address goes on", async () => {
    const sale = await seedSale();
    const limits = { RATE_LIMIT_WRITES_PER_ADDRESS: "3/24h" };
    const address = freshAddress();
    for (let i = 0; i < 3; i++) expect((await new Client(limits, address).checkout(sale.sku)).status).toBe(201);

    const before = await snapshot(sale.sku);
    const late = new Client(limits, address);
    await expectRateLimited(await late.checkout(sale.sku));
    expect(late.cookie).toBe(""); // refused before `session`: issued no shopper
    expect((await snapshot(sale.sku)).stock).toEqual(before.stock);

    expect((await new Client(limits).checkout(sale.sku)).status).toBe(201);
  });

  it("count an IPv6 client by its /64 and an IPv4 client by its address", async () => {
    const sale = await seedSale();
    const limits = { RATE_LIMIT_WRITES_PER_ADDRESS: "1/24h" };
    const prefix = freshAddress().replace(/::1$/, "");
    expect((await new Client(limits, `${prefix}::1`).checkout(sale.sku)).status).toBe(201);
    await expectRateLimited(await new Client(limits, `${prefix}:abcd:1:2:3`).checkout(sale.sku));

    const [a, b] = crypto.getRandomValues(new Uint8Array(2));
    expect((await new Client(limits, `10.${a}.${b}.1`).checkout(sale.sku)).status).toBe(201);
    expect((await new Client(limits, `10.${a}.${b}.2`).checkout(sale.sku)).status).toBe(201);
    await expectRateLimited(await new Client(limits, `10.${a}.${b}.1`).checkout(sale.sku));
  });
});

describe("new shoppers per client address", () => {
  const limits = { RATE_LIMIT_SESSION_PER_ADDRESS: "2/24h" };

  it("refuse a new session past the limit with no cookie, counting only new shoppers", async () => {
    const address = freshAddress();
    const first = new Client(limits, address);
    expect((await first.send("POST", "/api/session")).status).toBe(201);
    expect((await new Client(limits, address).send("POST", "/api/session")).status).toBe(201);

    const third = new Client(limits, address);
    const refused = await third.send("POST", "/api/session");
    expect(refused.headers.get("Set-Cookie")).toBeNull();
    await expectRateLimited(refused);

    // A shopper who has a session is no new shopper: it keeps it, uncounted.
    expect((await first.send("POST", "/api/session")).status).toBe(200);
    // Another address is not this one.
    expect((await new Client(limits).send("POST", "/api/session")).status).toBe(201);
  });

  it("also hold for the sessions other calls issue: a checkout, or reading an order, without a cookie", async () => {
    const sale = await seedSale();
    const address = freshAddress();
    for (let i = 0; i < 2; i++) expect((await new Client(limits, address).send("POST", "/api/session")).status).toBe(201);

    const before = await snapshot(sale.sku);
    const checkout = await new Client(limits, address).checkout(sale.sku);
    expect(checkout.headers.get("Set-Cookie")).toBeNull();
    await expectRateLimited(checkout);
    expect((await snapshot(sale.sku)).stock).toEqual(before.stock);

    const read = await new Client(limits, address).send("GET", "/api/orders/ord_no-such-sale_abcdefghijklmnopqrstuvwx");
    expect(read.headers.get("Set-Cookie")).toBeNull();
    await expectRateLimited(read);

    // A forged cookie is no session: its bearer is a new shopper, and refused too.
    const forger = new Client(limits, address);
    forger.cookie = "fs_session=shp_aaaaaaaaaaaaaaaaaaaaaaaa.Zm9yZ2Vk";
    await expectRateLimited(await forger.send("POST", "/api/session"));
  });
});

describe("a blocked client", () => {
  it("is refused again from the isolate's memory, with no Redis call, until its window ends", async () => {
    const sale = await seedSale({ perShopperLimit: 5 });
    const shopper = new Client({ RATE_LIMIT_WRITES_PER_SHOPPER: "1/24h" });
    expect(await redisCallsDuring(async () => expect((await shopper.checkout(sale.sku)).status).toBe(201))).toBeGreaterThan(0);
    expect(await redisCallsDuring(async () => expectRateLimited(await shopper.checkout(sale.sku)))).toBeGreaterThan(0);
    expect(await redisCallsDuring(async () => expectRateLimited(await shopper.checkout(sale.sku)))).toBe(0);

    const crowd = new Client({ RATE_LIMIT_WRITES_PER_ADDRESS: "1/24h" });
    expect((await crowd.checkout(sale.sku)).status).toBe(201);
    await expectRateLimited(await new Client(crowd.limits, crowd.address).checkout(sale.sku));
    expect(await redisCallsDuring(async () => expectRateLimited(await new Client(crowd.limits, crowd.address).checkout(sale.sku)))).toBe(0);
  });
});

describe("what the limits cost", () => {
  it("a new shopper's write: its two per-address counts in one Redis request, then the shopper's in another", async () => {
    const sale = await seedSale();
    const limits = {
      RATE_LIMIT_WRITES_PER_ADDRESS: "5/24h",
      RATE_LIMIT_SESSION_PER_ADDRESS: "5/24h",
      RATE_LIMIT_WRITES_PER_SHOPPER: "5/24h",
    };
    // Once before, so Redis knows the script (EVALSHA, not NOSCRIPT and then EVAL).
    expect((await new Client(limits).checkout(sale.sku)).status).toBe(201);
    const shopper = new Client(limits);
    expect(await redisCallsDuring(async () => expect((await shopper.checkout(sale.sku)).status).toBe(201))).toBe(2);
    // A shopper with a session: writes per address, then per shopper.
    expect(await redisCallsDuring(async () => expect((await shopper.checkout(sale.sku)).status).toBe(201))).toBe(2);
  });
});

describe("when Redis does not answer", () => {
  const tight = { RATE_LIMIT_WRITES_PER_SHOPPER: "1/24h", RATE_LIMIT_WRITES_PER_ADDRESS: "1/24h", RATE_LIMIT_SESSION_PER_ADDRESS: "1/24h" };

  it("lets the writes through, unlimited, when it cannot be reached (fail open)", async () => {
    const sale = await seedSale({ perShopperLimit: 5 });
    const shopper = new Client(tight);
    const realFetch = globalThis.fetch;
    const fetchSpy = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation((input, init) =>
        redisUrl(input) ? Promise.reject(new Error("Network connection lost.")) : realFetch(input, init),
      );
    for (let i = 0; i < 3; i++) expect((await shopper.checkout(sale.sku)).status).toBe(201);
    expect((await new Client(tight, shopper.address).send("POST", "/api/session")).status).toBe(201);
    expect(fetchSpy.mock.calls.filter(([input]) => redisUrl(input)).length).toBeGreaterThanOrEqual(3);
    fetchSpy.mockRestore();
    expect((await snapshot(sale.sku)).stock.held).toBe(3);
  });

  it("lets the writes through when it refuses to answer (a wrong token)", async () => {
    const sale = await seedSale({ perShopperLimit: 5 });
    const shopper = new Client({ ...tight, UPSTASH_REDIS_REST_TOKEN: "not-the-token" });
    for (let i = 0; i < 3; i++) expect((await shopper.checkout(sale.sku)).status).toBe(201);
    expect((await snapshot(sale.sku)).stock.held).toBe(3);
  });

  it("waits for it at most RATE_LIMIT_WAIT_MS per limit, then lets the write through", async () => {
    const sale = await seedSale({ perShopperLimit: 5 });
    const shopper = new Client(tight);
    expect((await shopper.send("POST", "/api/session")).status).toBe(201);

    const hung: Array<(error: Error) => void> = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) =>
      redisUrl(input) ? new Promise<Response>((_, reject) => hung.push(reject)) : realFetch(input, init),
    );
    try {
      const started = Date.now();
      expect((await shopper.checkout(sale.sku)).status).toBe(201);
      const waited = Date.now() - started;
      // Two waits: the address limits (one pipelined call) before the session, the shopper's after it.
      expect(hung.length).toBeGreaterThan(0);
      expect(waited).toBeGreaterThanOrEqual(2 * RATE_LIMIT_WAIT_MS - 20);
      expect(waited).toBeLessThan(2 * RATE_LIMIT_WAIT_MS + 2_000);
    } finally {
      for (const reject of hung) reject(new Error("the test is over"));
    }
  });
});

describe("a limit set to off", () => {
  it("counts nothing and asks Redis nothing", async () => {
    const sale = await seedSale({ perShopperLimit: 100, stock: 1_000 });
    const off = { RATE_LIMIT_WRITES_PER_SHOPPER: "off", RATE_LIMIT_WRITES_PER_ADDRESS: "OFF", RATE_LIMIT_SESSION_PER_ADDRESS: "off" };
    const address = freshAddress();
    const shopper = new Client(off, address);
    const calls = await redisCallsDuring(async () => {
      for (let i = 0; i < 25; i++) expect((await shopper.checkout(sale.sku)).status).toBe(201);
      for (let i = 0; i < 5; i++) expect((await new Client(off, address).send("POST", "/api/session")).status).toBe(201);
    });
    expect(calls).toBe(0);
    expect((await snapshot(sale.sku)).stock.held).toBe(25);
  });
});

describe("a limit that does not parse", () => {
  it("is logged, and its default holds: writes go on", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const sale = await seedSale();
    const value = `lots-${crypto.randomUUID().slice(0, 8)}`;
    const shopper = new Client({ RATE_LIMIT_WRITES_PER_SHOPPER: value });
    expect((await shopper.checkout(sale.sku)).status).toBe(201);
    expect((await shopper.checkout(sale.sku)).status).toBe(201);
    const logged = errors.mock.calls.map((args) => args.join(" ")).filter((line) => line.includes(value));
    expect(logged).toEqual([expect.stringMatching(/RATE_LIMIT_WRITES_PER_SHOPPER: .* is not a limit: .*using the default, 20\/10s/)]);
  });
});

describe("the contract", () => {
  const LIMITED = [
    "post /api/session",
    "get /api/orders/{id}",
    "post /api/checkout",
    "post /api/checkout/cancel",
    "post /api/orders/{id}/pay",
    "post /api/orders/{id}/cancel",
  ];

  it("documents 429 rate_limited with its Retry-After header on every limited route", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document read as plain JSON
    const doc = await (await worker.request("https://shop.test/api/openapi.json", {}, env)).json<any>();
    for (const operation of LIMITED) {
      const [method, path] = operation.split(" ") as [string, string];
      const described = doc.paths[path][method];
      const limited = described.responses["429"];
      expect(limited?.["x-error-codes"], operation).toContain("rate_limited");
      expect(limited.headers?.["Retry-After"]?.schema, operation).toEqual({ type: "integer", minimum: 1 });
      expect(described.description, operation).toMatch(/RATE_LIMIT_(SESSION|WRITES)_PER_/);
    }
  });
});
