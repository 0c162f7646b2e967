import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/storefront/index.ts";

type Report = { status: string; failing: string[]; checks: Record<string, { ok: boolean; error?: string }> };

async function healthWith(overrides: Partial<Env>): Promise<{ status: number; body: Report }> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request("https://shop.test/healthz"), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: await response.json<Report>() };
}

describe("GET /healthz when a dependency is down", () => {
  it("names Postgres with 503 when DATABASE_URL is not configured", async () => {
    const { status, body } = await healthWith({ DATABASE_URL: "" });
    expect(status).toBe(503);
    expect(body.failing).toEqual(["postgres"]);
    expect(body.checks.postgres?.error).toBe("DATABASE_URL is not configured");
  });

  it("names Postgres when nothing answers at its address, without leaking the password", async () => {
    const url = new URL(env.DATABASE_URL);
    url.password = "s3cret-password";
    url.port = "1"; // nothing listens on port 1
    const { status, body } = await healthWith({ DATABASE_URL: url.toString(), NEON_WS_PROXY: env.NEON_WS_PROXY });
    expect(status).toBe(503);
    expect(body.failing).toEqual(["postgres"]);
    expect(JSON.stringify(body)).not.toContain("s3cret-password");
  });

  it("names Redis with 503 when the Upstash token is wrong", async () => {
    const { status, body } = await healthWith({ UPSTASH_REDIS_REST_TOKEN: "not-the-token" });
    expect(status).toBe(503);
    expect(body.failing).toEqual(["redis"]);
    expect(body.checks.durableObject?.ok).toBe(true);
    expect(body.checks.kv?.ok).toBe(true);
  });
});
