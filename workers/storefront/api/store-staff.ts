import { and, eq, isNull } from "drizzle-orm";
import type { Context, Next } from "hono";
import { createMiddleware } from "hono/factory";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { stores, storeStaffTokens } from "../../../src/db/schema.ts";
import { sha256, toHex } from "../../../src/encoding.ts";
import { AppError } from "../../../src/errors.ts";
import type { AppEnv } from "../app-env.ts";
import { withContract } from "../contract/middleware-contract.ts";
import { storeOfRow } from "./store-directory.ts";

/**
 * PLACEHOLDER (issue 15, part B): the minimum of contract 1 of the brief, so the redemption
 * routes can run and be tested before part A's staff tokens land; the lead takes part A's
 * version of this file at merge.
 *
 * A till's staff token, `Authorization: Bearer sst_<tokenId>_<secret>`: Postgres keeps the
 * SHA-256 of the secret (hex) in store_staff_tokens. Missing, malformed, unknown, revoked, or
 * its store inactive: 401 `unauthorized`. A route with a `{storeId}` path parameter of
 * another store: 403 `wrong_store`. Sets `staffStore` and `staffTokenId`.
 */
const TOKEN = /^sst_([0-9a-z]{12})_([0-9A-Za-z_-]{32,})$/;

export const storeStaff = withContract(createMiddleware<AppEnv>(verifyStaff), {
  errors: ["unauthorized", "wrong_store", "dependency_unavailable"],
  security: [{ storeStaffToken: [] }],
});

async function verifyStaff(c: Context<AppEnv>, next: Next): Promise<void> {
  const header = c.req.header("Authorization") ?? "";
  const match = TOKEN.exec(header.replace(/^Bearer\s+/i, ""));
  if (!header.match(/^Bearer\s+/i) || !match)
    throw new AppError("unauthorized", "a store staff token is needed: Authorization: Bearer sst_…");
  const [, tokenId, secret] = match as unknown as [string, string, string];
  const secretHash = toHex(await sha256(secret));
  const row = await withDatabase(
    databaseSettings(c.env),
    async (db) =>
      (
        await db
          .select({ token: storeStaffTokens, store: stores })
          .from(storeStaffTokens)
          .innerJoin(stores, eq(stores.id, storeStaffTokens.storeId))
          .where(and(eq(storeStaffTokens.id, tokenId), eq(storeStaffTokens.secretHash, secretHash), isNull(storeStaffTokens.revokedAt)))
          .limit(1)
      )[0],
  ).catch((error: Error) => {
    console.error(`store staff: the token could not be checked (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", "the staff token could not be checked (Postgres); try again shortly");
  });
  if (!row || !row.store.active) throw new AppError("unauthorized", "this staff token is unknown or revoked");
  const storeId = c.req.param("storeId");
  if (storeId !== undefined && storeId !== row.store.id) {
    throw new AppError("wrong_store", `this staff token is for store "${row.store.id}", not "${storeId}"`);
  }
  c.set("staffStore", storeOfRow(row.store));
  c.set("staffTokenId", tokenId);
  await next();
}
