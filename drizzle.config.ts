import { defineConfig } from "drizzle-kit";

// `npm run db:generate` turns schema changes into SQL migrations under drizzle/;
// `npm run db:migrate` (scripts/migrate.ts) applies them through the Neon driver.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
