import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ErrorCode } from "../../src/error-codes.ts";
import { contractBreaches } from "../../workers/storefront/contract/declared-errors.ts";
import worker from "../../workers/storefront/index.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { draftSale } from "./admin-support.ts";
import { draftExperiment } from "./experiment-support.ts";
import { freshAddress, freshEmail, makeAccount, makeApiKey, PASSWORD, signIn, STAFF_ENV } from "./staff-support.ts";
import { placeOrder, seedSale, Shopper, type ApiOrder } from "./support.ts";

/**
 * Every error a route answers is one its contract declares (issue 11). Hostile and erroneous
 * requests are swept over every operation of the document, one fault at a time, through the
 * app itself (`app.request`, so the breaches the error handler records are this module's), and
 * then the domain refusals each route exists to make. Two checks on every answer: the error
 * handler recorded no contract breach (contract/declared-errors.ts: a thrown code the matched
 * route does not declare), and the document lists the answer's status and code for the
 * operation (which also covers answers not thrown: 426, and the SKU object's own 404 and 429).
 */

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document read as plain JSON, field by field
type Json = Record<string, any>;
/** A request as the sweep builds it. */
interface Sent {
  path: string;
  headers: Record<string, string>;
  body?: string;
}
interface Fixtures {
  sku: string;
  shopper: Shopper;
  order: ApiOrder;
  /** The client address of the operation's requests: sign-in counts failures per address. */
  address: string;
  /** For the staff routes: an account that signs in with a password, and an API key. */
  staff?: { accountId: string; email: string; password: string; apiKeyId: string };
}

/** The operations of the document, read off the app's registry: a new route is swept without being listed here. */
const OPERATIONS = worker.openAPIRegistry.definitions.flatMap((definition) =>
  definition.type === "route" ? [`${definition.route.method.toUpperCase()} ${definition.route.path}`] : [],
);

const KiB = 1024;
const FOREIGN = "https://evil.example";
const UNREACHABLE_POSTGRES = "postgres://sweep:sweep@127.0.0.1:9/none";
const ADMIN_CLOSED: Partial<Env> = { ADMIN_TOKEN: "", STAFF_SESSION_SECRET: "", ACCESS_TEAM_DOMAIN: "", ACCESS_AUD: "" };
/** The shopper rate limits (issue 12; off in the test configuration) at one request a day each. */
const ONE_A_DAY: Partial<Env> = {
  RATE_LIMIT_SESSION_PER_ADDRESS: "1/24h",
  RATE_LIMIT_WRITES_PER_SHOPPER: "1/24h",
  RATE_LIMIT_WRITES_PER_ADDRESS: "1/24h",
};

let doc: Json;
/** Every code answered in this file, to show the sweep is hostile enough to mean something. */
const answered = new Set<string>();

beforeAll(async () => {
  doc = await (await worker.request("https://shop.test/api/openapi.json", {}, env)).json<Json>();
});

/** Local staff accounts are on (STAFF_SESSION_SECRET), so signing in is swept past `admin_closed`; the fault "admin closed" turns them off. */
async function send(method: string, sent: Sent, overrides: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.request(
    `https://shop.test${sent.path}`,
    { method, headers: sent.headers, body: sent.body },
    { ...env, ...STAFF_ENV, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/** The answer is documented for the operation: its status, and for an error its code under that status. */
async function expectDocumented(operation: string, response: Response, what: string): Promise<void> {
  const [method, path] = operation.split(" ") as [string, string];
  const documented = doc.paths[path]?.[method.toLowerCase()]?.responses?.[String(response.status)];
  const text = await response.text();
  expect(documented, `${operation} ${what}: ${response.status} ${text.slice(0, 300)} is not documented`).toBeDefined();
  // A documented answer that is no error (the health report's 503) lists no codes.
  if (response.status < 400 || !documented["x-error-codes"]) return;
  const code: string = JSON.parse(text).error.code;
  answered.add(code);
  expect(documented["x-error-codes"], `${operation} ${what}: ${code}`).toContain(code);
}

/** Runs `attempt` and checks that it left no contract breach behind. */
async function withoutBreach(attempt: () => Promise<void>): Promise<void> {
  const before = contractBreaches.length;
  await attempt();
  expect(contractBreaches.slice(before)).toEqual([]);
}

/** The staff routes: they need an account and a key of their own to work on. */
const STAFF_PATH = /^\/admin\/api\/(session|staff|api-keys)(\/|$)/;

async function fixtures(path: string): Promise<Fixtures> {
  const sale = await seedSale({ perShopperLimit: 5 });
  const { shopper, order } = await placeOrder();
  const f: Fixtures = { sku: sale.sku, shopper, order, address: freshAddress() };
  if (STAFF_PATH.test(path)) {
    const account = await makeAccount("analyst");
    const { apiKey } = await makeApiKey("integration");
    f.staff = { accountId: account.id, email: account.email, password: account.password, apiKeyId: apiKey.id };
  }
  return f;
}

/** What `{id}` names on a path: a real one of the fixtures, and one well-formed that names nothing. */
function ids(path: string, f: Fixtures): { real: string; none: string } {
  if (path.startsWith("/admin/api/staff/")) return { real: f.staff!.accountId, none: "stf_000000000000000000000000" };
  if (path.startsWith("/admin/api/api-keys/")) return { real: f.staff!.apiKeyId, none: "0000000000000000" };
  return { real: f.order.id, none: "ord_no-such-sale_abcdefghijklmnopqrstuvwx" };
}

/** A path's parameters filled with something real, something well-formed that names nothing, and something malformed. */
function fills(path: string, f: Fixtures): string[] {
  if (!/\{(sku|id)\}/.test(path)) return [path];
  const id = path.includes("{id}") ? ids(path, f) : { real: "", none: "" };
  return [
    path.replace("{sku}", f.sku).replace("{id}", id.real),
    path.replace("{sku}", "no-such-sku-sweep").replace("{id}", id.none),
    path.replace("{sku}", "Not_A_Sku").replace("{id}", "not-an-order"),
  ];
}

/** A body the operation would accept, so each fault below is the only one. */
function goodBody(operation: string, f: Fixtures): unknown {
  switch (operation) {
    case "POST /api/checkout":
      return { sku: f.sku, qty: 1 };
    case "POST /api/checkout/cancel":
      return { sku: f.sku };
    case "POST /api/orders/{id}/pay":
      return { paymentMethod: "pm_local_approve" };
    case "POST /admin/api/sales":
      return draftSale();
    case "PUT /admin/api/sales/{sku}": {
      const { sku: _, ...draft } = draftSale();
      return { ...draft, expectedVersion: 1 };
    }
    case "POST /admin/api/session":
      return { email: f.staff!.email, password: f.staff!.password };
    case "POST /admin/api/staff":
      return { email: freshEmail("sweep"), name: "Swept", role: "analyst", password: PASSWORD };
    case "PATCH /admin/api/staff/{id}":
      return { name: "Swept again" };
    case "POST /admin/api/api-keys":
      return { name: "sweep", role: "integration" };
    case "POST /api/experiments/assignments":
      return { page: "sale", locale: "en" };
    case "POST /admin/api/experiments":
      return draftExperiment();
    case "PUT /admin/api/experiments/{key}":
      return { ...draftExperiment(), expectedVersion: 1 };
    default:
      return {};
  }
}

/** One fault at a time: each turns a good request into a hostile or erroneous one (or leaves it good). */
const FAULTS: Array<{ name: string; apply: (sent: Sent) => Sent; env?: Partial<Env> }> = [
  { name: "as is", apply: (s) => s },
  {
    name: "no Content-Type, no body",
    apply: ({ headers: { "Content-Type": _, ...headers }, ...s }) => ({ ...s, headers, body: undefined }),
  },
  { name: "text/plain", apply: (s) => ({ ...s, headers: { ...s.headers, "Content-Type": "text/plain" } }) },
  {
    name: "a form",
    apply: (s) => ({ ...s, headers: { ...s.headers, "Content-Type": "application/x-www-form-urlencoded" }, body: "qty=1" }),
  },
  { name: "a foreign Origin", apply: (s) => ({ ...s, headers: { ...s.headers, Origin: FOREIGN } }) },
  { name: "malformed JSON", apply: (s) => ({ ...s, body: "{ not json" }) },
  { name: "a JSON array", apply: (s) => ({ ...s, body: "[1, 2]" }) },
  { name: "an empty body", apply: (s) => ({ ...s, body: "" }) },
  { name: "an unknown field", apply: (s) => ({ ...s, body: JSON.stringify({ ...JSON.parse(s.body ?? "{}"), coupon: "FREE" }) }) },
  { name: "wrong types", apply: (s) => ({ ...s, body: JSON.stringify({ sku: 7, qty: "2", paymentMethod: 3, stock: -1.5 }) }) },
  { name: "a 300 KiB body", apply: (s) => ({ ...s, body: JSON.stringify({ pad: "x".repeat(300 * KiB) }) }) },
  { name: "no Idempotency-Key", apply: ({ headers: { "Idempotency-Key": _, ...headers }, ...s }) => ({ ...s, headers }) },
  { name: "a malformed Idempotency-Key", apply: (s) => ({ ...s, headers: { ...s.headers, "Idempotency-Key": "short" } }) },
  { name: "no credential", apply: ({ headers: { Authorization: _, ...headers }, ...s }) => ({ ...s, headers }) },
  { name: "a wrong token", apply: (s) => ({ ...s, headers: { ...s.headers, Authorization: "Bearer not-the-token" } }) },
  { name: "a malformed Authorization", apply: (s) => ({ ...s, headers: { ...s.headers, Authorization: "Basic c3dlZXA=" } }) },
  {
    name: "a forged API key",
    apply: (s) => ({ ...s, headers: { ...s.headers, Authorization: "Bearer fsk_sweep_0123456789abcdef0123456789abcdef" } }),
  },
  {
    name: "a forged staff session from a foreign Origin",
    apply: ({ headers: { Authorization: _, ...headers }, ...s }) => ({
      ...s,
      headers: { ...headers, Cookie: "fs_staff=forged", Origin: FOREIGN },
    }),
    env: { STAFF_SESSION_SECRET: "sweep-staff-secret-0123456789" },
  },
  { name: "a malformed X-Admin-Actor", apply: (s) => ({ ...s, headers: { ...s.headers, "X-Admin-Actor": "<script>" } }) },
  { name: "a hostile query", apply: (s) => ({ ...s, path: `${s.path}?limit=0&phase=nope&before=-5&sku=Not_A_Sku` }) },
  { name: "a tampered session cookie", apply: (s) => ({ ...s, headers: { ...s.headers, Cookie: "fs_session=shp_forged.signature" } }) },
  { name: "admin closed", apply: (s) => s, env: ADMIN_CLOSED },
  { name: "no SESSION_SECRET", apply: (s) => s, env: { SESSION_SECRET: "" } },
  { name: "Postgres unreachable", apply: (s) => s, env: { DATABASE_URL: UNREACHABLE_POSTGRES } },
  { name: "no DATABASE_URL", apply: (s) => s, env: { DATABASE_URL: "" } },
  { name: "an unknown payment provider", apply: (s) => s, env: { PAYMENT_PROVIDER: "nowhere" } },
  // Counted across the operation's paths (one address, one shopper): the second and third are refused.
  { name: "rate limits at one a day", apply: (s) => s, env: ONE_A_DAY },
  // The bot check on (issue 12): a checkout without a Turnstile token is refused before Siteverify is asked.
  { name: "the bot check on, no token", apply: (s) => s, env: { TURNSTILE_SECRET_KEY: "sweep-turnstile-secret" } },
];

describe.each(OPERATIONS)("%s answers only errors its contract declares", (operation) => {
  it("under hostile and erroneous requests, one fault at a time", { timeout: 120_000 }, async () => {
    const [method, path] = operation.split(" ") as [string, string];
    const f = await fixtures(path);
    for (const filled of fills(path, f)) {
      for (const fault of FAULTS) {
        const good: Sent = {
          path: filled,
          headers: {
            "Content-Type": "application/json",
            "Idempotency-Key": crypto.randomUUID(),
            Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`,
            Cookie: f.shopper.cookie,
            "CF-Connecting-IP": f.address,
          },
          body: method === "GET" ? undefined : JSON.stringify(goodBody(operation, f)),
        };
        const sent = fault.apply(good);
        if (method === "GET") delete sent.body;
        await withoutBreach(async () => expectDocumented(operation, await send(method, sent, fault.env), `${filled} with ${fault.name}`));
      }
    }
  });
});

/** A request to the shopper API as `shopper`, with JSON and a fresh key unless told otherwise. */
function shopperPost(shopper: Shopper, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return send("POST", {
    path,
    headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID(), Cookie: shopper.cookie, ...headers },
    body: JSON.stringify(body),
  });
}

function adminSend(
  method: string,
  path: string,
  body?: unknown,
  credential: Record<string, string> = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` },
): Promise<Response> {
  return send(method, {
    path,
    headers: { ...credential, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A sign-in from `address`, `overrides` on the environment. */
function signInFrom(address: string, email: string, password: string, overrides: Partial<Env> = {}): Promise<Response> {
  return send(
    "POST",
    {
      path: "/admin/api/session",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": address },
      body: JSON.stringify({ email, password }),
    },
    overrides,
  );
}

/** Each domain refusal a route exists to make, with the code it must answer. */
const REFUSALS: Array<{ operation: string; code: ErrorCode; answer: () => Promise<Response> }> = [
  {
    operation: "POST /api/checkout",
    code: "not_started",
    answer: async () =>
      shopperPost(await Shopper.create(), "/api/checkout", {
        sku: (await seedSale({ startsAt: Date.now() + 3_600_000, endsAt: Date.now() + 7_200_000 })).sku,
        qty: 1,
      }),
  },
  {
    operation: "POST /api/checkout",
    code: "ended",
    answer: async () =>
      shopperPost(await Shopper.create(), "/api/checkout", {
        sku: (await seedSale({ startsAt: Date.now() - 7_200_000, endsAt: Date.now() - 3_600_000 })).sku,
        qty: 1,
      }),
  },
  {
    operation: "POST /api/checkout",
    code: "sale_paused",
    answer: async () => shopperPost(await Shopper.create(), "/api/checkout", { sku: (await seedSale({ paused: true })).sku, qty: 1 }),
  },
  {
    operation: "POST /api/checkout",
    code: "sold_out",
    answer: async () => {
      const sale = await seedSale({ stock: 1, tiers: [] });
      await shopperPost(await Shopper.create(), "/api/checkout", { sku: sale.sku, qty: 1 });
      return shopperPost(await Shopper.create(), "/api/checkout", { sku: sale.sku, qty: 1 });
    },
  },
  {
    operation: "POST /api/checkout",
    code: "insufficient_stock",
    answer: async () =>
      shopperPost(await Shopper.create(), "/api/checkout", {
        sku: (await seedSale({ stock: 2, tiers: [], perShopperLimit: 5 })).sku,
        qty: 3,
      }),
  },
  {
    operation: "POST /api/checkout",
    code: "limit_exceeded",
    answer: async () => shopperPost(await Shopper.create(), "/api/checkout", { sku: (await seedSale({ perShopperLimit: 1 })).sku, qty: 2 }),
  },
  {
    operation: "POST /api/checkout",
    code: "idempotency_conflict",
    answer: async () => {
      const sale = await seedSale({ perShopperLimit: 5 });
      const shopper = await Shopper.create();
      const key = { "Idempotency-Key": crypto.randomUUID() };
      await shopperPost(shopper, "/api/checkout", { sku: sale.sku, qty: 1 }, key);
      return shopperPost(shopper, "/api/checkout", { sku: sale.sku, qty: 2 }, key);
    },
  },
  {
    operation: "POST /api/checkout",
    code: "checkout_cancelled",
    answer: async () => {
      const sale = await seedSale();
      const shopper = await Shopper.create();
      const key = { "Idempotency-Key": crypto.randomUUID() };
      await shopperPost(shopper, "/api/checkout/cancel", { sku: sale.sku }, key);
      return shopperPost(shopper, "/api/checkout", { sku: sale.sku, qty: 1 }, key);
    },
  },
  // The waiting room (issue 12): joining its queue, and its gate on checkout.
  {
    operation: "POST /api/skus/{sku}/queue",
    code: "no_waiting_room",
    answer: async () => shopperPost(await Shopper.create(), `/api/skus/${(await seedSale()).sku}/queue`, {}),
  },
  {
    operation: "POST /api/skus/{sku}/queue",
    code: "ended",
    answer: async () => {
      const sale = await seedSale({ startsAt: Date.now() - 7_200_000, endsAt: Date.now() - 3_600_000, waitingRoom: { admitPerSecond: 1 } });
      return shopperPost(await Shopper.create(), `/api/skus/${sale.sku}/queue`, {});
    },
  },
  {
    operation: "POST /api/checkout",
    code: "queue_ticket_invalid",
    answer: async () =>
      shopperPost(await Shopper.create(), "/api/checkout", { sku: (await seedSale({ waitingRoom: { admitPerSecond: 1 } })).sku, qty: 1 }),
  },
  {
    operation: "POST /api/checkout",
    code: "queue_not_admitted",
    answer: async () => {
      const sale = await seedSale({ waitingRoom: { admitPerSecond: 1 } });
      await shopperPost(await Shopper.create(), `/api/skus/${sale.sku}/queue`, {});
      const shopper = await Shopper.create();
      const { ticket } = await (await shopperPost(shopper, `/api/skus/${sale.sku}/queue`, {})).json<{ ticket: string }>();
      return shopperPost(shopper, "/api/checkout", { sku: sale.sku, qty: 1 }, { "X-Queue-Ticket": ticket });
    },
  },
  {
    operation: "POST /api/orders/{id}/pay",
    code: "payment_declined",
    answer: async () => {
      const { shopper, order } = await placeOrder();
      return shopperPost(shopper, `/api/orders/${order.id}/pay`, { paymentMethod: "pm_local_decline" });
    },
  },
  {
    operation: "POST /api/orders/{id}/pay",
    code: "dependency_unavailable",
    answer: async () => {
      const { shopper, order } = await placeOrder();
      return shopperPost(shopper, `/api/orders/${order.id}/pay`, { paymentMethod: "pm_local_unavailable" });
    },
  },
  {
    operation: "POST /api/orders/{id}/pay",
    code: "invalid_request",
    answer: async () => {
      const { shopper, order } = await placeOrder();
      return shopperPost(shopper, `/api/orders/${order.id}/pay`, { paymentMethod: "pm_no_such_method" });
    },
  },
  {
    operation: "POST /api/orders/{id}/pay",
    code: "order_not_payable",
    answer: async () => {
      const { shopper, order } = await placeOrder();
      await shopperPost(shopper, `/api/orders/${order.id}/cancel`, {});
      return shopperPost(shopper, `/api/orders/${order.id}/pay`, {});
    },
  },
  {
    operation: "POST /api/orders/{id}/cancel",
    code: "order_paid",
    answer: async () => {
      const { shopper, order } = await placeOrder();
      await shopperPost(shopper, `/api/orders/${order.id}/pay`, {});
      return shopperPost(shopper, `/api/orders/${order.id}/cancel`, {});
    },
  },
  {
    operation: "POST /api/checkout/cancel",
    code: "order_paid",
    answer: async () => {
      const sale = await seedSale();
      const shopper = await Shopper.create();
      const key = { "Idempotency-Key": crypto.randomUUID() };
      const { order } = await (await shopperPost(shopper, "/api/checkout", { sku: sale.sku, qty: 1 }, key)).json<{ order: ApiOrder }>();
      await shopperPost(shopper, `/api/orders/${order.id}/pay`, {});
      return shopperPost(shopper, "/api/checkout/cancel", { sku: sale.sku }, key);
    },
  },
  // The shopper rate limits (issue 12): a second new shopper from one address, at one a day…
  ...(["POST /api/session", "GET /api/orders/{id}"] as const).map((operation) => ({
    operation,
    code: "rate_limited" as const,
    answer: async () => {
      const [method, path] = operation.split(" ") as [string, string];
      const address = freshAddress();
      const sent = (): Sent => ({
        path: path.replace("{id}", "ord_no-such-sale_abcdefghijklmnopqrstuvwx"),
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": address },
        body: method === "GET" ? undefined : "{}",
      });
      await send(method, sent(), ONE_A_DAY);
      return send(method, sent(), ONE_A_DAY);
    },
  })),
  // …and a shopper's second write, at one a day.
  ...(
    [
      "POST /api/checkout",
      "POST /api/checkout/cancel",
      "POST /api/orders/{id}/pay",
      "POST /api/orders/{id}/cancel",
      "POST /api/skus/{sku}/queue",
    ] as const
  ).map((operation) => ({
    operation,
    code: "rate_limited" as const,
    answer: async () => {
      const { sale, shopper, order } = await placeOrder();
      const path = operation.slice("POST ".length).replace("{id}", order.id).replace("{sku}", sale.sku);
      const body =
        operation === "POST /api/checkout" ? { sku: sale.sku, qty: 1 } : operation === "POST /api/checkout/cancel" ? { sku: sale.sku } : {};
      const write = () =>
        send(
          "POST",
          {
            path,
            headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID(), Cookie: shopper.cookie },
            body: JSON.stringify(body),
          },
          { RATE_LIMIT_WRITES_PER_SHOPPER: "1/24h" },
        );
      await write();
      return write();
    },
  })),
  {
    operation: "GET /api/skus/{sku}/live",
    code: "not_found",
    answer: () => send("GET", { path: "/api/skus/no-such-sku-sweep/live", headers: { Upgrade: "websocket" } }),
  },
  {
    operation: "GET /api/skus/{sku}/live",
    code: "invalid_request",
    answer: () => send("GET", { path: "/api/skus/no-such-sku-sweep/live", headers: {} }),
  },
  {
    operation: "POST /admin/api/sales",
    code: "conflict",
    answer: async () => {
      const draft = draftSale();
      await adminSend("POST", "/admin/api/sales", draft);
      return adminSend("POST", "/admin/api/sales", draft);
    },
  },
  {
    operation: "PUT /admin/api/sales/{sku}",
    code: "conflict",
    answer: async () => {
      const draft = draftSale();
      await adminSend("POST", "/admin/api/sales", draft);
      return adminSend("PUT", `/admin/api/sales/${draft.sku}`, { ...draft, expectedVersion: 7 });
    },
  },
  {
    operation: "PUT /admin/api/sales/{sku}",
    code: "invalid_request",
    answer: async () => {
      const draft = draftSale();
      await adminSend("POST", "/admin/api/sales", draft);
      return adminSend("PUT", `/admin/api/sales/${draft.sku}`, { ...draft, sku: "another-sku", expectedVersion: 1 });
    },
  },
  {
    operation: "PUT /admin/api/sales/{sku}",
    code: "not_found",
    answer: () => {
      const draft = draftSale();
      return adminSend("PUT", `/admin/api/sales/${draft.sku}`, { ...draft, expectedVersion: 1 });
    },
  },
  {
    operation: "POST /admin/api/sales/{sku}/pause",
    code: "not_found",
    answer: () => adminSend("POST", "/admin/api/sales/no-such-sku-sweep/pause"),
  },
  {
    operation: "POST /admin/api/session",
    code: "unauthorized",
    answer: async () => signInFrom(freshAddress(), (await makeAccount("analyst")).email, "not the password at all"),
  },
  {
    operation: "POST /admin/api/session",
    code: "rate_limited",
    answer: async () => {
      const account = await makeAccount("analyst");
      for (let i = 0; i < 5; i++) await signInFrom(freshAddress(), account.email, `wrong password ${i}`);
      return signInFrom(freshAddress(), account.email, account.password);
    },
  },
  {
    operation: "POST /admin/api/session",
    code: "dependency_unavailable",
    answer: async () => signInFrom(freshAddress(), (await makeAccount("analyst")).email, PASSWORD, { UPSTASH_REDIS_REST_URL: "" }),
  },
  {
    operation: "POST /admin/api/staff",
    code: "conflict",
    answer: async () => {
      const account = await makeAccount("adviser");
      return adminSend("POST", "/admin/api/staff", { email: account.email.toUpperCase(), name: "Again", role: "adviser" });
    },
  },
  {
    operation: "PATCH /admin/api/staff/{id}",
    code: "invalid_request",
    answer: async () => adminSend("PATCH", `/admin/api/staff/${(await makeAccount("marketer")).id}`, { stores: ["sh-01"] }),
  },
  {
    operation: "GET /admin/api/staff",
    code: "forbidden",
    answer: async () => adminSend("GET", "/admin/api/staff", undefined, { Authorization: `Bearer ${(await makeApiKey("analyst")).key}` }),
  },
  {
    operation: "DELETE /admin/api/api-keys/{id}",
    code: "forbidden",
    answer: async () => {
      const { apiKey } = await makeApiKey("integration");
      const account = await makeAccount("marketer");
      const { cookie } = await signIn(account.email, account.password, freshAddress());
      return adminSend("DELETE", `/admin/api/api-keys/${apiKey.id}`, undefined, { Cookie: cookie, Origin: "https://shop.test" });
    },
  },
];

describe("the refusals each route exists to make are declared", () => {
  it.each(REFUSALS)("$operation: $code", async ({ operation, code, answer }) => {
    await withoutBreach(async () => {
      const response = await answer();
      expect((await response.clone().json<Json>()).error.code).toBe(code);
      await expectDocumented(operation, response, code);
    });
  });
});

describe("the sweep", () => {
  it("drew every kind of refusal the test environment can produce", () => {
    // Not here: rate_limited of the live feed (16 sockets from one address;
    // test/worker/live-limits.test.ts); signing in draws it above.
    expect([...answered].sort()).toEqual(
      expect.arrayContaining([
        "invalid_request",
        "unauthorized",
        "payment_declined",
        "forbidden",
        "forbidden_origin",
        "bot_check_failed",
        "queue_ticket_invalid",
        "not_found",
        "not_started",
        "sale_paused",
        "sold_out",
        "insufficient_stock",
        "limit_exceeded",
        "checkout_cancelled",
        "no_waiting_room",
        "order_not_payable",
        "order_paid",
        "conflict",
        "ended",
        "payload_too_large",
        "unsupported_media_type",
        "idempotency_conflict",
        "rate_limited",
        "queue_not_admitted",
        "dependency_unavailable",
        "admin_closed",
      ]),
    );
    expect(contractBreaches).toEqual([]);
  });
});
