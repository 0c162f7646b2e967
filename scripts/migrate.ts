import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/neon-serverless/migrator";
import { withDatabase, type DatabaseSettings } from "../src/db/client.ts";

const MIGRATIONS = fileURLToPath(new URL("../drizzle", import.meta.url));

/**
 * Applies drizzle's migrations (drizzle/) through the Neon driver, the same path the Worker
 * uses. Idempotent: drizzle records applied migrations in `drizzle.__drizzle_migrations`.
 */
export async function migrateDatabase(settings: DatabaseSettings): Promise<void> {
  await withDatabase(settings, (db) => migrate(db, { migrationsFolder: MIGRATIONS }));
}

// `npm run db:migrate`: against DATABASE_URL (Neon, or any Postgres with NEON_WS_PROXY set).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set. Example: DATABASE_URL=postgres://user:pass@host/db npm run db:migrate");
    process.exit(2);
  }
  await migrateDatabase({ url, localWsProxy: process.env.NEON_WS_PROXY });
  console.log("migrations applied");
}
