import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { clientAddressKey } from "../../../src/client-address.ts";
import { databaseSettings, redisSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { VerdictCache } from "../../../src/edge/verdict-cache.ts";
import { constantTimeEqual } from "../../../src/encoding.ts";
import { AppError } from "../../../src/errors.ts";
import { openRedis } from "../../../src/redis/client.ts";
import { hashStaffSecret, parseStaffToken } from "../../../src/stores/staff-token.ts";
import type { AppEnv } from "../app-env.ts";
import { withContract } from "../contract/middleware-contract.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { edgeClock } from "./sku-object.ts";
import { CredentialFailures, failureLimitNote, tooManyFailures } from "./credential-failures.ts";
import { storeComponent } from "./store-schema.ts";
import { findStaffTokenGrant, type StaffTokenGrant } from "./store-records.ts";

/**
 * The store staff's credential (issue 15): `Authorization: Bearer sst_<tokenId>_<secret>`,
 * a token issued in the console for one store. `storeStaff` answers 401 `unauthorized` when the
 * token is missing, malformed, unknown, revoked or its store closed down; on a route with a
 * `{storeId}` it answers 403 `wrong_store` for another store's token; else it sets
 * `c.var.staffStore` and `c.var.staffTokenId`.
 *
 * A till asks on every scan, so a token's record (its hash, whether revoked, its store) is kept
 * in the isolate for STAFF_TOKEN_TTL_MS: a revocation reaches every isolate within that time,
 * the revoking one at once (`forgetStaffToken`). The secret is compared by its SHA-256 in
 * constant time. Failed attempts are counted per client address in Redis; past the limit the
 * address is refused (429 `rate_limited`) until its window ends. Redis not answering: the
 * request is judged on its token alone, as the shopper limits fail open.
 */
export const STAFF_TOKEN_TTL_MS = 10_000;
const BEARER = /^Bearer\s+(\S+)\s*$/i;

const grants = new VerdictCache<StaffTokenGrant | null>({
  ttlMs: () => STAFF_TOKEN_TTL_MS,
  now: () => edgeClock.now(),
  maxEntries: 2_000,
});

/** After a token is revoked here: this isolate refuses it from the next request. */
export function forgetStaffToken(tokenId: string): void {
  grants.forget(tokenId);
}

function grantOf(env: Env, tokenId: string): Promise<StaffTokenGrant | null> {
  return grants.get(tokenId, () => withDatabase(databaseSettings(env), (db) => findStaffTokenGrant(db, tokenId)));
}

export const storeStaff = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    const address = clientAddressKey(c.req.header("CF-Connecting-IP"));
    const failures = new CredentialFailures(openRedis(redisSettings(c.env)), "store-staff");
    const wait = await failures.refusedFor(address);
    if (wait !== null) tooManyFailures(c, "staff tokens", wait);
    const presented = BEARER.exec(c.req.header("Authorization") ?? "")?.[1];
    if (!presented) refuse(c, "no staff token: send Authorization: Bearer sst_…");
    const parts = parseStaffToken(presented);
    const grant = parts
      ? await grantOf(c.env, parts.tokenId).catch((error: unknown) => {
          console.error(`store staff: the token could not be read (${describeDatabaseFailure(error).summary})`);
          throw new AppError("dependency_unavailable", "staff tokens (Postgres) cannot be checked right now; try again shortly");
        })
      : null;
    const matches =
      parts !== null &&
      grant !== null &&
      constantTimeEqual(new TextEncoder().encode(await hashStaffSecret(parts.secret)), new TextEncoder().encode(grant.secretHash));
    if (!parts || !grant || !matches || grant.revoked || !grant.store.active) {
      await failures.count(address);
      refuse(c, grant?.revoked && matches ? "this staff token was revoked" : "not a valid staff token");
    }
    const storeId = c.req.param("storeId");
    if (storeId !== undefined && storeId !== grant.store.id) {
      throw new AppError("wrong_store", `this staff token is for store "${grant.store.id}", not "${storeId}"`, { storeId: grant.store.id });
    }
    c.set("staffStore", grant.store);
    c.set("staffTokenId", grant.tokenId);
    await next();
  }),
  {
    errors: ["unauthorized", "wrong_store", "rate_limited", "dependency_unavailable"],
    security: [{ storeStaffToken: [] }],
    note: `Store staff: \`Authorization: Bearer sst_<tokenId>_<secret>\`, a token issued in the console for one store (401 \`unauthorized\` when missing, malformed, unknown, revoked or the store is inactive; 403 \`wrong_store\` for another store's token). A revocation takes effect within ${STAFF_TOKEN_TTL_MS / 1000} s. ${failureLimitNote("tokens")}`,
  },
);

function refuse(c: Context<AppEnv>, message: string): never {
  c.header("WWW-Authenticate", 'Bearer realm="store"');
  throw new AppError("unauthorized", message);
}

const staffMe = contractRoute({
  method: "get",
  path: "/stores/{storeId}/staff/me",
  tags: ["stores"],
  summary: "Which store and token a staff token signs in (the staff page's sign-in check)",
  middleware: [storeStaff],
  request: { params: z.object({ storeId: z.string().openapi({ param: { description: "the store's id" } }) }) },
  responses: {
    200: {
      description: "the token's store and its own id and label",
      headers: noStore("a revoked token must stop working"),
      content: {
        "application/json": {
          schema: z.object({ store: storeComponent, tokenId: z.string(), label: z.string() }).openapi("StoreStaffIdentity"),
        },
      },
    },
  },
});

/** `GET /api/stores/{storeId}/staff/me`, behind `storeStaff`. */
export const storeStaffApi = contractApp().openapi(staffMe, async (c) => {
  const tokenId = c.get("staffTokenId");
  const grant = await grantOf(c.env, tokenId);
  c.header("Cache-Control", "no-store");
  return c.json({ store: c.get("staffStore"), tokenId, label: grant?.label ?? "" }, 200);
});
