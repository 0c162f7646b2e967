import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /healthz", () => {
  it("checks every dependency for real and reports each one green with its latency", async () => {
    const response = await exports.default.fetch("https://shop.test/healthz");
    const body = await response.json<{
      status: string;
      failing: string[];
      checks: Record<string, { ok: boolean; latencyMs: number; error?: string }>;
    }>();
    expect(body.failing).toEqual([]);
    expect(response.status).toBe(200);
    expect(body.status).toBe("ok");
    expect(Object.keys(body.checks).sort()).toEqual(["durableObject", "kv", "postgres", "redis"]);
    for (const check of Object.values(body.checks)) {
      expect(check.ok).toBe(true);
      expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});
