import { z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { clientAddressKey } from "../../../src/client-address.ts";
import { databaseSettings, redisSettings } from "../../../src/config.ts";
import { type CrmScope, hashCrmSecret, parseCrmKey } from "../../../src/crm/api-key.ts";
import { findCrmKey, touchCrmKey } from "../../../src/crm/api-key-store.ts";
import { crmMember, grantCrmBenefit, grantCrmPoints } from "../../../src/crm/crm-grants.ts";
import { type Database, withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { constantTimeEqual } from "../../../src/encoding.ts";
import { AppError } from "../../../src/errors.ts";
import { CouponCatalog } from "../../../src/coupons/coupon-catalog.ts";
import { openRedis } from "../../../src/redis/client.ts";
import type { AppEnv } from "../app-env.ts";
import { withContract } from "../contract/middleware-contract.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { deliverBenefit } from "./benefit-delivery.ts";
import { CredentialFailures, failureLimitNote, tooManyFailures } from "./credential-failures.ts";
import { idempotencyKeyHeader, shopperWrite } from "./validation.ts";

/**
 * The inbound CRM API under /api/crm (issue 16): a CRM looks up members and grants points and
 * benefits with an API key created in the console (`Authorization: Bearer crm_<keyId>_<secret>`,
 * src/crm/api-key.ts). The key is looked up on every call, so a revocation takes effect at once;
 * its secret is compared by SHA-256 in constant time; each route needs one scope. No key
 * created, no way in: the API is closed until the console creates one.
 */
function crmApiKey(scope: CrmScope) {
  return withContract(
    createMiddleware<AppEnv>(async (c, next) => {
      const address = clientAddressKey(c.req.header("CF-Connecting-IP"));
      const failures = new CredentialFailures(openRedis(redisSettings(c.env)), "crm");
      const wait = await failures.refusedFor(address);
      if (wait !== null) tooManyFailures(c, "CRM API keys", wait);
      const presented = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1];
      if (!presented) refuse(c, "no CRM API key: send Authorization: Bearer crm_…");
      const parts = parseCrmKey(presented);
      if (!parts) {
        await failures.count(address);
        refuse(c, "not a CRM API key: send Authorization: Bearer crm_…");
      }
      const key = await database(c.env, (db) => findCrmKey(db, parts.keyId));
      const matches =
        key !== null &&
        constantTimeEqual(new TextEncoder().encode(await hashCrmSecret(parts.secret)), new TextEncoder().encode(key.secretHash));
      if (!key || !matches) {
        await failures.count(address);
        refuse(c, "not a valid CRM API key");
      }
      if (key.revokedAt !== null) refuse(c, "this CRM API key was revoked");
      if (!key.scopes.includes(scope)) {
        throw new AppError("forbidden", `this CRM API key does not have the ${scope} scope`, { scope, scopes: key.scopes });
      }
      c.set("crmApiKeyId", key.id);
      c.executionCtx.waitUntil(database(c.env, (db) => touchCrmKey(db, key.id, Date.now())).catch(() => undefined));
      await next();
    }),
    {
      errors: ["unauthorized", "forbidden", "rate_limited", "dependency_unavailable"],
      security: [{ crmApiKey: [] }],
      note: `CRM API key with the \`${scope}\` scope: \`Authorization: Bearer crm_<keyId>_<secret>\`, created in the console (401 \`unauthorized\` when missing, malformed, unknown or revoked; 403 \`forbidden\` without the scope). ${failureLimitNote("keys")}`,
    },
  );
}

function refuse(c: { header: (name: string, value: string) => void }, message: string): never {
  c.header("WWW-Authenticate", 'Bearer realm="crm"');
  throw new AppError("unauthorized", message);
}

/** Postgres for one CRM call: unreachable is 503 `dependency_unavailable`; a refusal of the work's own passes. */
async function database<T>(env: Env, work: (db: Database) => Promise<T>): Promise<T> {
  try {
    return await withDatabase(databaseSettings(env), work);
  } catch (error) {
    if (error instanceof AppError) throw error;
    console.error(`crm api: Postgres failed (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", "members (Postgres) cannot be reached; try again shortly");
  }
}

/** The Idempotency-Key of a grant: the shop's one rule for the header, described for a CRM. */
const grantKeyHeader = z.object({
  "Idempotency-Key": idempotencyKeyHeader.shape["Idempotency-Key"].openapi({
    param: {
      description:
        "one per intended grant (e.g. the CRM's own id for it), scoped to the API key; the same key again answers the grant it made",
    },
  }),
});

const shopperParams = z.object({
  shopperId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/)
    .openapi({ param: { description: "the shopper's id (as in the webhooks' `data.shopperId`)" } }),
});

const memberSchema = z
  .object({
    shopperId: z.string(),
    tier: z.string().nullable().describe("the tier last computed; null: none yet"),
    tierSince: epochMs.nullable(),
    pointsBalance: int.describe("the points ledger's sum (held points already taken off)"),
    spend12m: int.describe("paid spend over the last 12 months, fen, as of the last recomputation"),
    points12m: int,
    benefits: z.array(
      z.object({
        kind: z.string(),
        source: z.string().describe("`tier` or `crm`"),
        tier: z.string().nullable(),
        details: z.record(z.string(), z.unknown()),
        grantedAt: epochMs,
      }),
    ),
  })
  .openapi("CrmMember");

const getMember = contractRoute({
  method: "get",
  path: "/crm/members/{shopperId}",
  tags: ["crm"],
  summary: "A member's tier, points balance, 12-month spend and benefits granted",
  middleware: [crmApiKey("members:read")],
  request: { params: shopperParams },
  responses: {
    200: {
      description: "the member",
      headers: noStore("points and tiers change"),
      content: { "application/json": { schema: z.object({ member: memberSchema }) } },
    },
  },
  errors: ["not_found"],
});

const pointsBody = z
  .object({
    points: z.number().int().min(1).max(10_000_000).describe("whole points to add, above 0 (100 points = ¥1)"),
    note: z.string().max(200).nullable().default(null).describe("why, for the shopper's statement"),
  })
  .strict()
  .openapi("CrmPointsGrantRequest");

const grantPoints = contractRoute({
  method: "post",
  path: "/crm/members/{shopperId}/points",
  tags: ["crm"],
  summary: "Grant points (a `crm_grant` ledger row), once per Idempotency-Key",
  description:
    "The ledger's key is `crm:<keyId>:<Idempotency-Key>`: the same request again, or many at once, grants once and answers that grant (`replayed: true`); the same key with a different grant is 422 `idempotency_conflict`, nothing granted.",
  middleware: [shopperWrite, crmApiKey("points:write")],
  request: {
    params: shopperParams,
    headers: grantKeyHeader,
    body: { required: true, content: { "application/json": { schema: pointsBody } } },
  },
  responses: {
    201: {
      description: "granted (or the grant this key made before)",
      content: {
        "application/json": {
          schema: z
            .object({
              grant: z.object({ entryId: int, shopperId: z.string(), points: int, note: z.string().nullable(), grantedAt: epochMs }),
              replayed: z.boolean(),
            })
            .openapi("CrmPointsGranted"),
        },
      },
    },
  },
  errors: ["idempotency_conflict"],
});

const benefitBody = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("coupon"), details: z.object({ templateId: z.string().min(1).max(100) }).strict() }).strict(),
    z.object({ kind: z.literal("points"), details: z.object({ points: z.number().int().min(1).max(10_000_000) }).strict() }).strict(),
    z.object({ kind: z.literal("perk"), details: z.object({ title: z.string().min(1).max(100) }).strict() }).strict(),
  ])
  .openapi("CrmBenefitGrantRequest");

const grantBenefit = contractRoute({
  method: "post",
  path: "/crm/members/{shopperId}/benefits",
  tags: ["crm"],
  summary: "Grant a benefit (a coupon template's coupon, points, or a perk), recorded once per Idempotency-Key",
  description:
    "Recorded in `benefit_grants` (source `crm`, key `crm-benefit:<keyId>:<Idempotency-Key>`) with its `member.benefit_granted` webhook. Then delivered under the same key: a coupon from the template's pool, points to the ledger (reason `crm_grant`), a perk recorded only; a replay delivers the same coupon or points, never a second. A coupon template that does not exist: 404, nothing recorded. Same key, different grant: 422 `idempotency_conflict`.",
  middleware: [shopperWrite, crmApiKey("benefits:write")],
  request: {
    params: shopperParams,
    headers: grantKeyHeader,
    body: { required: true, content: { "application/json": { schema: benefitBody } } },
  },
  responses: {
    201: {
      description: "granted (or the grant this key made before)",
      content: {
        "application/json": {
          schema: z
            .object({
              grant: z.object({
                grantId: int,
                shopperId: z.string(),
                kind: z.enum(["coupon", "points", "perk"]),
                details: z.record(z.string(), z.unknown()),
                grantedAt: epochMs,
              }),
              replayed: z.boolean(),
              delivered: z.boolean().describe("whether the coupon or points were handed out as well as recorded"),
            })
            .openapi("CrmBenefitGranted"),
        },
      },
    },
  },
  errors: ["not_found", "idempotency_conflict"],
});

/** `/api/crm/…`: the CRM's member lookup and grants, each behind its scope. */
export const crmApi = contractApp()
  .openapi(getMember, async (c) => {
    const { shopperId } = c.req.valid("param");
    const member = await database(c.env, (db) => crmMember(db, shopperId));
    if (!member) throw new AppError("not_found", `no member "${shopperId}": no tier, points or benefits`);
    c.header("Cache-Control", "no-store");
    return c.json({ member }, 200);
  })
  .openapi(grantPoints, async (c) => {
    const { shopperId } = c.req.valid("param");
    const { points, note } = c.req.valid("json");
    const idempotencyKey = c.req.valid("header")["Idempotency-Key"];
    const granted = await database(c.env, (db) =>
      grantCrmPoints(db, { apiKeyId: c.get("crmApiKeyId"), idempotencyKey, shopperId, points, note, at: Date.now() }),
    );
    return c.json(
      { grant: { entryId: granted.entryId, shopperId, points, note, grantedAt: granted.grantedAt }, replayed: granted.replayed },
      201,
    );
  })
  .openapi(grantBenefit, async (c) => {
    const { shopperId } = c.req.valid("param");
    const { kind, details } = c.req.valid("json");
    const idempotencyKey = c.req.valid("header")["Idempotency-Key"];
    // A coupon from a template that does not exist is refused before anything is recorded.
    if (kind === "coupon" && !(await new CouponCatalog(c.env.SALES).find(details.templateId))) {
      throw new AppError("not_found", `no coupon template "${details.templateId}" to grant from; nothing was granted`);
    }
    const granted = await database(c.env, (db) =>
      grantCrmBenefit(db, { apiKeyId: c.get("crmApiKeyId"), idempotencyKey, shopperId, kind, details, at: Date.now() }),
    );
    // Delivered under the grant's own key, so a replay (the CRM retrying after a lost answer, or
    // after a delivery that failed) hands out the same coupon or points, never a second.
    await deliverBenefit(c.env, { shopperId, kind, source: "crm", details, idempotencyKey: granted.idempotencyKey, at: granted.grantedAt });
    return c.json(
      {
        grant: { grantId: granted.grantId, shopperId, kind, details, grantedAt: granted.grantedAt },
        replayed: granted.replayed,
        delivered: true,
      },
      201,
    );
  });
