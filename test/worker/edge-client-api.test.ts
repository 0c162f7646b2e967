import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

type Api = <T>(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }) => Promise<T>;

/**
 * The pages' API client (web/client/shared/api.ts), run here with a stand-in for the one
 * thing it reads from the page at load: its strings. Imported by a computed path so the
 * Worker's typecheck does not take in the browser program (it has its own, tsconfig.web.json).
 */
let api: Api;
beforeAll(async () => {
  vi.stubGlobal("document", { getElementById: () => null, documentElement: { lang: "en" } });
  const path = "../../web/client/shared/api.ts";
  ({ api } = (await import(/* @vite-ignore */ path)) as { api: Api });
});

afterEach(() => vi.unstubAllGlobals());

/** Calls `api` with fetch stubbed; returns the request it made. */
async function sent(call: (api: Api) => Promise<unknown>): Promise<Request> {
  const requests: Request[] = [];
  vi.stubGlobal("fetch", async (input: RequestInfo, init?: RequestInit) => {
    requests.push(new Request(new URL(String(input), "https://shop.test"), init));
    return Response.json({ ok: true });
  });
  await call(api);
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

describe("the pages' API client", () => {
  it("sends a call without a body (the pay and cancel buttons) as JSON {}", async () => {
    const request = await sent((api) => api("/api/orders/ord_x/cancel", { method: "POST" }));
    expect(request.method).toBe("POST");
    expect(request.headers.get("Content-Type")).toBe("application/json");
    expect(await request.text()).toBe("{}");
  });

  it("sends a body as JSON, with its own headers", async () => {
    const request = await sent((api) =>
      api("/api/checkout", { method: "POST", body: { sku: "s", qty: 1 }, headers: { "Idempotency-Key": "k-12345678" } }),
    );
    expect(request.headers.get("Content-Type")).toBe("application/json");
    expect(request.headers.get("Idempotency-Key")).toBe("k-12345678");
    expect(JSON.parse(await request.text())).toEqual({ sku: "s", qty: 1 });
  });

  it("sends a read without a body or a Content-Type", async () => {
    const request = await sent((api) => api("/api/sales"));
    expect(request.method).toBe("GET");
    expect(request.headers.get("Content-Type")).toBeNull();
    expect(request.body).toBeNull();
  });
});
