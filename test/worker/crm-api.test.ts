import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seededCrmConfig } from "../support/crm-receiver.ts";
import { CREDENTIAL_FAILURES } from "../../workers/storefront/api/credential-failures.ts";
import { admin } from "./admin-support.ts";
import { seedTierCoupon } from "./membership-support.ts";
import { withPostgres } from "./postgres-support.ts";

/**
 * The inbound CRM API (issue 16) through the Worker, with keys created in the console's API:
 * closed without a key, scoped, revoked at once, hashed at rest; member lookup; points and
 * benefits granted once per Idempotency-Key, also when the same grant arrives 20 times at once.
 */

type Key = { key: { id: string; scopes: string[]; revokedAt: number | null }; secret: string };

async function createKey(scopes: string[], label = "Test CRM"): Promise<Key> {
  const response = await admin("/crm/keys", { body: { label, scopes } });
  expect(response.status).toBe(201);
  return (await response.json()) as Key;
}

function crm(
  path: string,
  init: { key?: string; method?: string; body?: unknown; idempotencyKey?: string; from?: string } = {},
): Promise<Response> {
  const headers = new Headers();
  if (init.from) headers.set("CF-Connecting-IP", init.from);
  if (init.key) headers.set("Authorization", `Bearer ${init.key}`);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  if (init.idempotencyKey) headers.set("Idempotency-Key", init.idempotencyKey);
  return exports.default.fetch(`https://shop.test/api/crm${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

const shopper = () => `shp_${crypto.randomUUID().replaceAll("-", "")}`;

async function ledger(shopperId: string) {
  return withPostgres(
    async (pool) =>
      (await pool.query("select amount, reason, idempotency_key from points_entries where shopper_id = $1 order by id", [shopperId])).rows,
  );
}

describe("CRM API keys", () => {
  it("are shown once and kept only as a hash; a revoked key is refused at once", async () => {
    const created = await createKey(["members:read"]);
    expect(created.secret).toMatch(new RegExp(`^crm_${created.key.id}_[A-Za-z0-9_-]{43}$`));
    const stored = await withPostgres(
      async (pool) => (await pool.query("select * from crm_api_keys where id = $1", [created.key.id])).rows[0],
    );
    expect(JSON.stringify(stored)).not.toContain(created.secret.split("_").at(-1));
    expect(stored.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    const listed = (await (await admin("/crm/keys")).json()) as { keys: { id: string }[] };
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect(listed.keys.map((k) => k.id)).toContain(created.key.id);

    const member = shopper();
    await withPostgres((pool) =>
      pool.query("insert into members (shopper_id, tier, spend_12m, points_12m) values ($1, 'gold', 120000, 1500)", [member]),
    );
    expect((await crm(`/members/${member}`, { key: created.secret })).status).toBe(200);
    const revoked = await admin(`/crm/keys/${created.key.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    const refused = await crm(`/members/${member}`, { key: created.secret });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toContain("Bearer");
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it("no key, a malformed one, an unknown one or a wrong secret: 401; the wrong scope: 403", async () => {
    const member = shopper();
    expect((await crm(`/members/${member}`)).status).toBe(401);
    expect((await crm(`/members/${member}`, { key: "crm_nothing" })).status).toBe(401);
    expect((await crm(`/members/${member}`, { key: `crm_000000000000_${"A".repeat(43)}` })).status).toBe(401);
    const reader = await createKey(["members:read"]);
    expect(
      (await crm(`/members/${member}`, { key: `${reader.secret.slice(0, -1)}${reader.secret.endsWith("A") ? "B" : "A"}` })).status,
    ).toBe(401);
    const forbidden = await crm(`/members/${member}/points`, { key: reader.secret, body: { points: 10 }, idempotencyKey: "grant-0001" });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: "forbidden", scope: "points:write" } });
    expect(await ledger(member)).toEqual([]);
  });

  it(`refuses an address after ${CREDENTIAL_FAILURES.limit} wrong keys, even with a good one (429, Retry-After); other addresses go on`, async () => {
    const reader = await createKey(["members:read"]);
    const member = shopper();
    const from = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const wrong = Array.from({ length: CREDENTIAL_FAILURES.limit }, (_, i) =>
      i % 2 === 0 ? `crm_000000000000_${"A".repeat(43)}` : "crm_garbage",
    );
    for (const key of wrong) expect((await crm(`/members/${member}`, { key, from })).status).toBe(401);
    const limited = await crm(`/members/${member}`, { key: reader.secret, from });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await crm(`/members/${member}`, { key: reader.secret, from: "203.0.113.9" })).status).not.toBe(429);
  });

  it("only an owner manages keys; bad scopes are 400", async () => {
    expect((await admin("/crm/keys", { body: { label: "x", scopes: ["members:write"] } })).status).toBe(400);
    expect((await admin("/crm/keys", { body: { label: "", scopes: ["members:read"] } })).status).toBe(400);
    expect((await admin("/crm/keys/unknown00000", { method: "DELETE" })).status).toBe(404);
  });
});

describe("the CRM API", () => {
  it("looks up a member: tier, points balance, 12-month spend and benefits; an unknown shopper is 404", async () => {
    const { secret } = await createKey(["members:read", "benefits:write", "points:write"]);
    const member = shopper();
    await withPostgres((pool) =>
      pool.query("insert into members (shopper_id, tier, spend_12m, points_12m) values ($1, 'gold', 120000, 1500)", [member]),
    );
    await crm(`/members/${member}/points`, { key: secret, body: { points: 250 }, idempotencyKey: "welcome-250" });
    await crm(`/members/${member}/benefits`, {
      key: secret,
      body: { kind: "perk", details: { title: "Free shipping" } },
      idempotencyKey: "perk-0001",
    });
    const response = await crm(`/members/${member}`, { key: secret });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      member: {
        shopperId: member,
        tier: "gold",
        tierSince: null,
        pointsBalance: 250,
        spend12m: 120_000,
        points12m: 1500,
        benefits: [{ kind: "perk", source: "crm", tier: null, details: { title: "Free shipping" }, grantedAt: expect.any(Number) }],
      },
    });
    expect((await crm(`/members/${shopper()}`, { key: secret })).status).toBe(404);
  });

  it("grants points once per Idempotency-Key: a replay answers the same grant, another body with the key is 422", async () => {
    const { secret, key } = await createKey(["points:write"]);
    const member = shopper();
    const first = await crm(`/members/${member}/points`, {
      key: secret,
      body: { points: 500, note: "birthday" },
      idempotencyKey: "bday-2026",
    });
    expect(first.status).toBe(201);
    const granted = (await first.json()) as { grant: { entryId: number }; replayed: boolean };
    expect(granted.replayed).toBe(false);
    const again = await crm(`/members/${member}/points`, {
      key: secret,
      body: { points: 500, note: "birthday" },
      idempotencyKey: "bday-2026",
    });
    expect(await again.json()).toMatchObject({ grant: { entryId: granted.grant.entryId, points: 500 }, replayed: true });
    const other = await crm(`/members/${member}/points`, {
      key: secret,
      body: { points: 600, note: "birthday" },
      idempotencyKey: "bday-2026",
    });
    expect(other.status).toBe(422);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe("idempotency_conflict");
    expect(await ledger(member)).toEqual([{ amount: 500, reason: "crm_grant", idempotency_key: `crm:${key.id}:bday-2026` }]);
  });

  it("a points grant and a benefit grant may share an Idempotency-Key: each is its own grant", async () => {
    const { secret } = await createKey(["points:write", "benefits:write"]);
    const member = shopper();
    const points = await crm(`/members/${member}/points`, { key: secret, body: { points: 300 }, idempotencyKey: "campaign-42" });
    const benefit = await crm(`/members/${member}/benefits`, {
      key: secret,
      body: { kind: "points", details: { points: 700 } },
      idempotencyKey: "campaign-42",
    });
    expect([points.status, benefit.status]).toEqual([201, 201]);
    expect(await benefit.json()).toMatchObject({ replayed: false });
    // Both delivered: the points grant's 300 and the points benefit's 700, each under its own key.
    expect((await ledger(member)).map((r) => r.amount)).toEqual([300, 700]);
  });

  it("refuses negative, zero, fractional or non-numeric points and a missing Idempotency-Key (400), writing nothing", async () => {
    const { secret } = await createKey(["points:write"]);
    const member = shopper();
    for (const points of [-10, 0, 1.5, "10", null]) {
      const response = await crm(`/members/${member}/points`, {
        key: secret,
        body: { points },
        idempotencyKey: `bad-${String(points)}-key`,
      });
      expect(response.status, `points ${String(points)}`).toBe(400);
    }
    expect((await crm(`/members/${member}/points`, { key: secret, body: { points: 10 } })).status).toBe(400);
    expect(await ledger(member)).toEqual([]);
  });

  it("the same points grant sent 20 times at once grants once", async () => {
    const { secret } = await createKey(["points:write"]);
    const member = shopper();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        crm(`/members/${member}/points`, { key: secret, body: { points: 100 }, idempotencyKey: "stampede-0001" }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as { grant: { entryId: number }; replayed: boolean }[];
    expect(new Set(bodies.map((b) => b.grant.entryId)).size).toBe(1);
    expect(bodies.filter((b) => !b.replayed)).toHaveLength(1);
    expect((await ledger(member)).map((r) => r.amount)).toEqual([100]);
  });

  it("grants a benefit once (source crm) with its member.benefit_granted webhook and delivers one coupon; 20 at once grant once; another benefit on the key is 422", async () => {
    const { secret, key } = await createKey(["benefits:write"]);
    const member = shopper();
    const templateId = await seedTierCoupon();
    const body = { kind: "coupon", details: { templateId } };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => crm(`/members/${member}/benefits`, { key: secret, body, idempotencyKey: "vip-coupon-1" })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as {
      grant: { grantId: number };
      replayed: boolean;
      delivered: boolean;
    }[];
    expect(new Set(bodies.map((b) => b.grant.grantId)).size).toBe(1);
    expect(bodies.filter((b) => !b.replayed)).toHaveLength(1);
    expect(bodies.every((b) => b.delivered)).toBe(true);
    // Twenty answers, one coupon in the member's wallet.
    expect(await env.COUPON_POOL.getByName(templateId).wallet(member)).toHaveLength(1);
    const { grants, webhooks } = await withPostgres(async (pool) => ({
      grants: (await pool.query("select kind, source, details, idempotency_key from benefit_grants where shopper_id = $1", [member])).rows,
      webhooks: (await pool.query("select type from crm_outbox where shopper_id = $1", [member])).rows,
    }));
    expect(grants).toEqual([
      { kind: "coupon", source: "crm", details: { templateId }, idempotency_key: `crm-benefit:${key.id}:vip-coupon-1` },
    ]);
    expect(webhooks).toEqual([{ type: "member.benefit_granted" }]);
    const other = await crm(`/members/${member}/benefits`, {
      key: secret,
      body: { kind: "perk", details: { title: "VIP lounge" } },
      idempotencyKey: "vip-coupon-1",
    });
    expect(other.status).toBe(422);
    const unknown = await crm(`/members/${member}/benefits`, {
      key: secret,
      body: { kind: "coupon", details: { templateId: "no-such-template" } },
      idempotencyKey: "vip-coupon-2",
    });
    expect(unknown.status).toBe(404);
    expect(
      (await crm(`/members/${member}/benefits`, { key: secret, body: { kind: "cash", details: {} }, idempotencyKey: "cash-00001" })).status,
    ).toBe(400);
  });
});

describe("the console's CRM routes", () => {
  it("saves the webhook configuration in versions, audited; a stale version is 409; a bad endpoint 400", async () => {
    const seed = seededCrmConfig();
    await env.SALES.put(seed.key, seed.value);
    const read = (await (await admin("/crm/webhooks")).json()) as { config: { version: number } };
    expect(read.config.version).toBe(seed.version);
    const saved = await admin("/crm/webhooks", {
      method: "PUT",
      actor: "Wang Fang",
      body: { url: "https://crm.example.com/hooks", events: ["member.tier_changed"], expectedVersion: read.config.version },
    });
    expect(saved.status).toBe(200);
    const config = ((await saved.json()) as { config: { version: number; updatedBy: string } }).config;
    expect(config).toMatchObject({ version: read.config.version + 1, updatedBy: "Wang Fang" });
    const stale = await admin("/crm/webhooks", { method: "PUT", body: { url: null, events: [], expectedVersion: read.config.version } });
    expect(stale.status).toBe(409);
    const bad = await admin("/crm/webhooks", { method: "PUT", body: { url: "ftp://crm", events: [], expectedVersion: config.version } });
    expect(bad.status).toBe(400);
    const audit = (await (await admin("/crm/config/webhooks/audit")).json()) as { entries: { actor: string; version: number }[] };
    expect(audit.entries[0]).toMatchObject({ actor: "Wang Fang", version: config.version });
    // Off again, so other tests' drains see what they set.
    await admin("/crm/webhooks", { method: "PUT", body: { url: null, events: [], expectedVersion: config.version } });
  });

  // A type no other test drains (test/worker/crm-webhooks.test.ts drains the others), so "pending" stays pending.
  it("lists deliveries by status and sends a dead one again; a webhook that is not dead is 404", async () => {
    const id = `msg_test${crypto.randomUUID().replaceAll("-", "")}`;
    await withPostgres((pool) =>
      pool.query(
        "insert into crm_outbox (id, type, shopper_id, payload, created_at, enqueued_at, attempts, last_error, dead_at) values ($1, 'member.price_protection_credited', 'shp_x', '{}', now(), now(), 13, 'HTTP 503', now())",
        [id],
      ),
    );
    const dead = (await (await admin("/crm/deliveries?status=dead&limit=500")).json()) as {
      counts: { dead: number };
      deliveries: { id: string; attempts: number; lastError: string }[];
    };
    expect(dead.counts.dead).toBeGreaterThanOrEqual(1);
    expect(dead.deliveries.find((d) => d.id === id)).toMatchObject({ attempts: 13, lastError: "HTTP 503", status: "dead" });
    expect((await admin(`/crm/deliveries/${id}/resend`, { body: {} })).status).toBe(200);
    expect((await admin(`/crm/deliveries/${id}/resend`, { body: {} })).status).toBe(404);
    const pending = (await (await admin("/crm/deliveries?status=pending&limit=500")).json()) as { deliveries: { id: string }[] };
    expect(pending.deliveries.map((d) => d.id)).toContain(id);
  });
});
