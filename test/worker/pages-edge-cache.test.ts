import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { edgeCached, type EdgeCachePolicy } from "../../workers/storefront/pages/edge-cache.ts";
import { pageCacheKey } from "../../workers/storefront/pages/page-cache.ts";
import worker from "../../workers/storefront/index.ts";
import { seedSale } from "./support.ts";

const POLICY: EdgeCachePolicy = { freshSeconds: 5, staleSeconds: 30 };

/** A clock the test moves by hand: entries go stale without waiting real seconds. */
function manualClock(start = Date.now()) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** A render that answers `body` only once the test releases it, counting how often it was called. */
function gatedRender(body: string) {
  const gate = Promise.withResolvers<void>();
  let calls = 0;
  const render = async () => {
    calls++;
    await gate.promise;
    return new Response(body);
  };
  onTestFinished(() => gate.resolve()); // never leave a render hanging, even when the test fails
  return { render, calls: () => calls, release: () => gate.resolve() };
}

const unique = () => `https://shop.test/__edge-cache-test/${crypto.randomUUID()}`;

/** edgeCached with its own execution context; `done` waits for what it left in `waitUntil`. */
async function serve(key: string, render: () => Promise<Response>, now: () => number) {
  const ctx = createExecutionContext();
  const response = await edgeCached(ctx, key, POLICY, render, { now });
  return { status: response.headers.get("X-Edge-Cache"), body: await response.text(), done: () => waitOnExecutionContext(ctx) };
}

/** An entry stored and then left to go stale (6 s on the test's clock). */
async function staleEntry(body: string) {
  const clock = manualClock();
  const key = unique();
  const first = await serve(key, async () => new Response(body), clock.now);
  expect(first.status).toBe("MISS");
  await first.done();
  clock.advance(6_000);
  return { key, clock };
}

const notCalled = async (): Promise<Response> => {
  throw new Error("rendered, but the entry was fresh");
};

afterEach(() => vi.restoreAllMocks());

describe("edge cache: stale-while-revalidate in the background (issue 11)", () => {
  // Answering only after the render (as before) would wait forever on the gate: the test times out.
  it("answers a stale hit at once with the stale copy, and refreshes it in the background", { timeout: 10_000 }, async () => {
    const { key, clock } = await staleEntry("version 1");
    const next = gatedRender("version 2");

    const stale = await serve(key, next.render, clock.now);
    expect(stale).toMatchObject({ status: "STALE", body: "version 1" });
    expect(next.calls()).toBe(1); // the refresh has started, and is still waiting

    next.release();
    await stale.done();
    expect(await serve(key, notCalled, clock.now)).toMatchObject({ status: "HIT", body: "version 2" });
  });

  it("renders once for many concurrent stale hits, and again once that refresh has settled", { timeout: 10_000 }, async () => {
    const { key, clock } = await staleEntry("version 1");
    const next = gatedRender("version 2");

    const hits = await Promise.all(Array.from({ length: 25 }, () => serve(key, next.render, clock.now)));
    expect(hits.map((h) => `${h.status} ${h.body}`)).toEqual(Array(25).fill("STALE version 1"));
    expect(next.calls()).toBe(1);

    next.release();
    await Promise.all(hits.map((h) => h.done()));
    expect(await serve(key, notCalled, clock.now)).toMatchObject({ status: "HIT", body: "version 2" });

    clock.advance(6_000); // stale again: the finished refresh no longer holds the key
    const third = gatedRender("version 3");
    const again = await serve(key, third.render, clock.now);
    expect(again).toMatchObject({ status: "STALE", body: "version 2" });
    expect(third.calls()).toBe(1);
    third.release();
    await again.done();
  });

  it("keeps the stale copy when the refresh fails, logs it, throws nothing into the request, and tries again", async () => {
    const { key, clock } = await staleEntry("version 1");
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    let attempts = 0;
    const failing = async (): Promise<Response> => {
      attempts++;
      throw new Error("KV unreachable at postgres://app:s3cret@db.example/shop");
    };

    const first = await serve(key, failing, clock.now);
    expect(first).toMatchObject({ status: "STALE", body: "version 1" });
    await first.done(); // settles: the failure stays in the background
    expect(logged).toHaveBeenCalledTimes(1);
    const line = logged.mock.calls.flat().join(" ");
    expect(line).toContain("the stale copy stays");
    expect(line).not.toContain("s3cret");

    const second = await serve(key, failing, clock.now); // the failed refresh no longer holds the key
    expect(second).toMatchObject({ status: "STALE", body: "version 1" });
    await second.done();
    expect(attempts).toBe(2);
  });

  it("gives up on a refresh that hangs, so the key is free to refresh again", { timeout: 10_000 }, async () => {
    const { key, clock } = await staleEntry("version 1");
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    onTestFinished(() => void vi.useRealTimers());
    let calls = 0;
    const hangs = () => {
      calls++;
      return new Promise<Response>(() => undefined);
    };

    const first = await serve(key, hangs, clock.now);
    expect(first).toMatchObject({ status: "STALE", body: "version 1" });
    await vi.advanceTimersByTimeAsync(10_000); // the refresh's own deadline, on the fake timers
    await first.done();
    expect(logged.mock.calls.flat().join(" ")).toContain("no answer within 10000 ms");

    const second = await serve(key, hangs, clock.now);
    expect(second.status).toBe("STALE");
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(10_000);
    await second.done();
  });

  it("does not let a refresh that began before a newer render replace it (a purge in between)", { timeout: 10_000 }, async () => {
    const { key, clock } = await staleEntry("old title");
    const slow = gatedRender("old title, read before the save");
    const stale = await serve(key, slow.render, clock.now);
    expect(stale.status).toBe("STALE");

    await caches.default.delete(key); // the sale is saved and its pages purged meanwhile
    clock.advance(100);
    const fresh = await serve(key, async () => new Response("new title"), clock.now);
    expect(fresh).toMatchObject({ status: "MISS", body: "new title" });
    await fresh.done();

    slow.release();
    await stale.done();
    expect(await serve(key, notCalled, clock.now)).toMatchObject({ status: "HIT", body: "new title" });
  });
});

describe("edge cache through the Worker", () => {
  it("serves a stale sale page at once, then the page rendered anew with its headers", async () => {
    const sale = await seedSale({ title: "Fresh title for the refresh" });
    const key = pageCacheKey("https://shop.test", `/sales/${sale.sku}`, "en");
    // An entry rendered a minute ago (the Worker's clock is the real one): stale, still within max-age.
    await caches.default.put(
      key,
      new Response("<p>the stale copy</p>", {
        headers: {
          "Content-Type": "text/html; charset=UTF-8",
          "X-Rendered-At": String(Date.now() - 10_000),
          "Cache-Control": "public, max-age=35",
        },
      }),
    );
    const get = async () => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        new Request(`https://shop.test/sales/${sale.sku}`, { headers: { "Accept-Language": "en" } }),
        env,
        ctx,
      );
      // The refresh finishes before the body is read, as for a shopper on a slow link: it must
      // leave the response already sent alone.
      await waitOnExecutionContext(ctx);
      return { response, body: await response.text() };
    };

    const stale = await get();
    expect(stale.response.headers.get("X-Edge-Cache")).toBe("STALE");
    expect(stale.body).toBe("<p>the stale copy</p>");
    expect(stale.response.headers.get("Content-Security-Policy")).toContain("default-src 'self'");

    const refreshed = await get();
    expect(refreshed.response.headers.get("X-Edge-Cache")).toBe("HIT");
    expect(refreshed.body).toContain("Fresh title for the refresh");
    expect(refreshed.response.headers.get("Content-Type")).toBe("text/html; charset=UTF-8");
    expect(refreshed.response.headers.get("Link")).toContain("rel=modulepreload");
    expect(refreshed.response.headers.get("X-Rendered-At")).toBeNull();
    expect(refreshed.response.headers.get("Set-Cookie")).toBeNull();
  });
});
