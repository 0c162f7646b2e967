// The local Upstash gateway, driven by the real @upstash/redis client (and by raw HTTP for the
// protocol details the client hides). Always runs against the in-process store; also against a real
// Redis when REDIS_URL is set, e.g. REDIS_URL=redis://127.0.0.1:6379.

import { createHash } from "node:crypto";
import { MultiRegionRatelimit, Ratelimit } from "@upstash/ratelimit";
import { Redis, type RedisConfigNodejs } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local/ports.ts";
import { startUpstashGateway, type UpstashGateway } from "../../scripts/local/upstash-gateway.ts";
import { scriptForLuaVm, scriptForRedis } from "../../scripts/local/upstash-scripts.ts";
import { WaitingRoomQueue } from "../../src/waiting-room/queue.ts";

const TOKEN = "local-gateway-test-token";

// Every key of this run starts with RUN_ID, and every test gets its own prefix below it, so tests are
// independent of each other and of whatever else lives in a shared Redis.
const RUN_ID = `gw-test:${process.pid}:${Date.now().toString(36)}`;
let testCount = 0;
function keyspace(): (name: string) => string {
  const prefix = `${RUN_ID}:${++testCount}`;
  return (name) => `${prefix}:${name}`;
}

const backends: Array<{ backend: "in-process" | "redis"; redisUrl?: string }> = [{ backend: "in-process" }];
if (process.env.REDIS_URL) backends.push({ backend: "redis", redisUrl: process.env.REDIS_URL });

// base64 is the client's default; auto-pipelining (also the default) sends even single commands to /pipeline.
const clientModes = [
  { mode: "base64, auto-pipelined (client defaults)", options: {} },
  { mode: "base64, one request per command", options: { enableAutoPipelining: false } },
  { mode: "responseEncoding: false, auto-pipelined", options: { responseEncoding: false as const } },
  { mode: "responseEncoding: false, one request per command", options: { responseEncoding: false as const, enableAutoPipelining: false } },
];

function client(gateway: Pick<UpstashGateway, "url" | "token">, options: Partial<RedisConfigNodejs> = {}) {
  return new Redis({ url: gateway.url, token: gateway.token, enableTelemetry: false, retry: false, ...options });
}

/** A raw HTTP request to the gateway; `token: null` sends no Authorization header. */
async function raw(
  gateway: UpstashGateway,
  path: string,
  init: { method?: string; body?: string | Uint8Array<ArrayBuffer>; base64?: boolean; token?: string | null } = {},
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? gateway.token}`;
  if (init.base64) headers["upstash-encoding"] = "base64";
  const response = await fetch(gateway.url + path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body,
  });
  return { status: response.status, body: await response.json() };
}

const post = (gateway: UpstashGateway, path: string, body: unknown, base64 = false) =>
  raw(gateway, path, { body: JSON.stringify(body), base64 });

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

describe.each(backends)("Upstash gateway on the $backend backend", ({ backend, redisUrl }) => {
  let gateway: UpstashGateway;

  beforeAll(async () => {
    gateway = await startUpstashGateway({ port: 0, token: TOKEN, redisUrl });
    // If REDIS_URL is set but nothing answers there, fail loudly instead of silently testing the fallback.
    expect(gateway.backend).toBe(backend);
  });

  afterAll(async () => {
    if (!gateway) return;
    const redis = client(gateway, { enableAutoPipelining: false });
    const leftovers = await redis.keys(`${RUN_ID}:*`);
    if (leftovers.length > 0) await redis.del(...leftovers);
    await gateway.close();
  });

  it("reports the port it actually listens on", () => {
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(gateway.url).not.toMatch(/:0$/);
    expect(gateway.redisUrl).toBe(redisUrl);
  });

  describe.each(clientModes)("with @upstash/redis, $mode", ({ options }) => {
    let redis: Redis;
    beforeAll(() => {
      redis = client(gateway, options);
    });

    it("sets and gets values", async () => {
      const k = keyspace();
      expect(await redis.set(k("greeting"), "hello")).toBe("OK");
      expect(await redis.get(k("greeting"))).toBe("hello");
      expect(await redis.get(k("missing"))).toBeNull();
      expect(await redis.set(k("greeting"), "again", { nx: true })).toBeNull();
      await redis.set(k("object"), { sku: "tee-01", stock: 3, tags: ["a", "ü"] });
      expect(await redis.get(k("object"))).toEqual({ sku: "tee-01", stock: 3, tags: ["a", "ü"] });
      expect(await redis.mget(k("greeting"), k("missing"))).toEqual(["hello", null]);
    });

    it("increments and decrements", async () => {
      const k = keyspace();
      expect(await redis.incr(k("n"))).toBe(1);
      expect(await redis.incrby(k("n"), 41)).toBe(42);
      expect(await redis.decr(k("n"))).toBe(41);
      expect(await redis.decrby(k("n"), 40)).toBe(1);
      expect(await redis.get(k("n"))).toBe(1);
    });

    it("round-trips unicode and binary-ish strings", async () => {
      const k = keyspace();
      const values = [
        "héllo wörld ✓ 日本語 🚀",
        'line1\nline2\t"quoted" \\ back\\slash',
        "\u0000\u0001\u0002\u007f\u0080\u00ff control and latin-1",
        "OK", // the one reply Upstash leaves unencoded at top level
        "T0s=", // looks like base64 already
        "",
        "   ",
      ];
      for (const [index, value] of values.entries()) {
        await redis.set(k(`v${index}`), value);
        expect(await redis.get(k(`v${index}`))).toBe(value);
      }
      expect(await redis.mget(...values.map((_, index) => k(`v${index}`)))).toEqual(values);
    });

    it("handles hashes", async () => {
      const k = keyspace();
      expect(await redis.hset(k("h"), { name: "Tee ✓", price: 25, note: "OK" })).toBe(3);
      expect(await redis.hget(k("h"), "name")).toBe("Tee ✓");
      expect(await redis.hgetall(k("h"))).toEqual({ name: "Tee ✓", price: 25, note: "OK" });
      expect(await redis.hincrby(k("h"), "price", 5)).toBe(30);
      expect(await redis.hgetall(k("nothing"))).toBeNull();
    });

    it("handles sorted sets with scores", async () => {
      const k = keyspace();
      expect(await redis.zadd(k("z"), { score: 2.5, member: "b" }, { score: 1, member: "a" }, { score: 10, member: "c" })).toBe(3);
      expect(await redis.zrange(k("z"), 0, -1)).toEqual(["a", "b", "c"]);
      expect(await redis.zrange(k("z"), 0, -1, { withScores: true })).toEqual(["a", 1, "b", 2.5, "c", 10]);
      expect(await redis.zscore(k("z"), "b")).toBe(2.5);
      expect(await redis.zincrby(k("z"), 1, "a")).toBe(2);
      expect(await redis.zrange(k("z"), 2, 5, { byScore: true })).toEqual(["a", "b"]);
    });

    // What a shopper's view window uses (issue 13, src/profile/view-window-store.ts), as Redis does it.
    it("moves scores only forward with ZADD GT, reads a score range with an open end, and trims", async () => {
      const k = keyspace();
      expect(await redis.zadd(k("w"), { gt: true }, { score: 10, member: "a" }, { score: 5, member: "b" })).toBe(2);
      expect(await redis.zadd(k("w"), { gt: true }, { score: 3, member: "a" }, { score: 7, member: "b" }, { score: 1, member: "c" })).toBe(
        1,
      );
      expect(await redis.zadd(k("w"), { gt: true, ch: true }, { score: 10, member: "a" }, { score: 8, member: "b" })).toBe(1);
      expect(await redis.zrange(k("w"), 0, -1, { withScores: true })).toEqual(["c", 1, "b", 8, "a", 10]);
      expect(await redis.zadd(k("w"), { lt: true }, { score: 0, member: "a" }, { score: 9, member: "b" })).toBe(0);
      expect(await redis.zscore(k("w"), "a")).toBe(0);
      await expect(redis.zadd(k("w"), { gt: true, nx: true } as never, { score: 1, member: "a" })).rejects.toThrow(/not compatible/);
      // (1, 8]: the lower end open.
      expect(await redis.zrange(k("w"), "(1", 8, { byScore: true, withScores: true })).toEqual(["b", 8]);
      expect(await redis.zrange(k("w"), 8, "(0", { byScore: true, rev: true })).toEqual(["b", "c"]);
      const trimmed = await redis
        .pipeline()
        .zremrangebyscore(k("w"), "-inf", 1)
        .zremrangebyrank(k("w"), 0, -2)
        .pexpire(k("w"), 60_000)
        .zrange(k("w"), 0, -1)
        .exec();
      expect(trimmed).toEqual([2, 0, 1, ["b"]]);
      expect(await redis.pttl(k("w"))).toBeGreaterThan(59_000);
    });

    it("expires keys", async () => {
      const k = keyspace();
      await redis.set(k("plain"), "x");
      expect(await redis.ttl(k("plain"))).toBe(-1);
      expect(await redis.ttl(k("missing"))).toBe(-2);
      expect(await redis.expire(k("plain"), 100)).toBe(1);
      expect(await redis.ttl(k("plain"))).toBeGreaterThanOrEqual(99);
      await redis.set(k("with-ex"), "y", { ex: 60 });
      expect(await redis.ttl(k("with-ex"))).toBeGreaterThanOrEqual(59);
      await redis.set(k("short"), "z", { px: 50 });
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(await redis.get(k("short"))).toBeNull();
    });

    it("runs pipelines, each command independently", async () => {
      const k = keyspace();
      const results = await redis
        .pipeline()
        .set(k("a"), 1)
        .incr(k("a"))
        .get(k("a"))
        .hset(k("h"), { field: "välue" })
        .hgetall(k("h"))
        .zadd(k("z"), { score: 1.5, member: "m" })
        .zrange(k("z"), 0, -1, { withScores: true })
        .exec();
      expect(results).toEqual(["OK", 2, 2, 1, { field: "välue" }, 1, ["m", 1.5]]);

      await redis.set(k("text"), "not a number");
      const mixed = await redis.pipeline().incr(k("text")).set(k("after"), "ran").exec({ keepErrors: true });
      expect(mixed[0]?.error).toMatch(/not an integer/);
      expect(mixed[1]).toEqual({ error: undefined, result: "OK" });
      expect(await redis.get(k("after"))).toBe("ran");
      await expect(redis.pipeline().incr(k("text")).exec()).rejects.toThrow(/not an integer/);
    });

    it("runs transactions with multi()", async () => {
      const k = keyspace();
      const results = await redis.multi().set(k("stock"), 5).decrby(k("stock"), 2).get(k("stock")).hset(k("order"), { qty: 2 }).exec();
      expect(results).toEqual(["OK", 3, 3, 1]);

      // A command failing at run time does not undo the others (Redis semantics).
      await redis.set(k("text"), "abc");
      const partial = await redis.multi().incr(k("text")).set(k("after"), "ran").exec({ keepErrors: true });
      expect(partial[0]?.error).toMatch(/not an integer/);
      expect(partial[1]?.result).toBe("OK");
      expect(await redis.get(k("text"))).toBe("abc");
    });

    it("evaluates Lua scripts with eval, evalsha and scriptLoad", async () => {
      const k = keyspace();
      const script = "local n = redis.call('INCRBY', KEYS[1], ARGV[1]) return {n, ARGV[2], 'OK'}";
      expect(await redis.eval(script, [k("counter")], [5, "tag ✓"])).toEqual([5, "tag ✓", "OK"]);

      const sha = createHash("sha1").update(script).digest("hex");
      expect(await redis.scriptLoad(script)).toBe(sha);
      expect(await redis.scriptExists(sha, "0".repeat(40))).toEqual([1, 0]);
      expect(await redis.evalsha(sha, [k("counter")], [2, "again"])).toEqual([7, "again", "OK"]);
      await expect(redis.evalsha("f".repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);

      // What @upstash/ratelimit does: EVALSHA, and on NOSCRIPT load the script and retry.
      const fresh = `return {KEYS[1], ARGV[1], ${Date.now()}}`;
      const [key, arg] = (await redis.createScript<[string, string, number]>(fresh).exec([k("x")], ["y"])) ?? [];
      expect([key, arg]).toEqual([k("x"), "y"]);
    });

    it("surfaces Redis error replies as thrown errors and leaves the value alone", async () => {
      const k = keyspace();
      await redis.set(k("text"), "abc");
      await expect(redis.incr(k("text"))).rejects.toThrow(/ERR value is not an integer or out of range/);
      await expect(redis.decrby(k("text"), 2)).rejects.toThrow(/not an integer/);
      expect(await redis.get(k("text"))).toBe("abc");
    });

    it("rejects a wrong token", async () => {
      const k = keyspace();
      const intruder = client({ url: gateway.url, token: "wrong-token" }, options);
      await expect(intruder.get(k("any"))).rejects.toThrow(/Unauthorized/);
    });

    // Issue 12: the storefront's rate limits run @upstash/ratelimit's Lua scripts (EVALSHA, then EVAL
    // after NOSCRIPT), each with Upstash's own shebang flag. Windows of an hour: a test never straddles one.
    describe("serving @upstash/ratelimit", () => {
      const limiter = (k: (name: string) => string, algorithm: Ratelimit["limiter"], extra: { dynamicLimits?: boolean } = {}) =>
        new Ratelimit({ redis, limiter: algorithm, prefix: k("rl"), ephemeralCache: false, enableTelemetry: false, ...extra });
      const outcomes = async (limit: () => ReturnType<Ratelimit["limit"]>, times: number) => {
        const seen: string[] = [];
        for (let i = 0; i < times; i++) {
          const { success, remaining } = await limit();
          seen.push(`${success ? "pass" : "refuse"}/${remaining}`);
        }
        return seen;
      };
      const algorithms = [
        ["fixed window", () => Ratelimit.fixedWindow(2, "1 h")],
        ["sliding window", () => Ratelimit.slidingWindow(2, "1 h")],
        ["token bucket", () => Ratelimit.tokenBucket(1, "1 h", 2)],
      ] as const;

      it.each(algorithms)("%s: limit, remaining, reset", async (_, algorithm) => {
        const k = keyspace();
        const rl = limiter(k, algorithm());
        expect(await outcomes(() => rl.limit("client"), 4)).toEqual(["pass/1", "pass/0", "refuse/0", "refuse/0"]);
        expect(await outcomes(() => rl.limit("another"), 1)).toEqual(["pass/1"]);
        expect(await rl.getRemaining("client")).toMatchObject({ remaining: 0, limit: 2 });
        await rl.resetUsedTokens("client");
        expect(await rl.getRemaining("client")).toMatchObject({ remaining: 2, limit: 2 });
        expect(await outcomes(() => rl.limit("client"), 1)).toEqual(["pass/1"]);
      });

      it.each(algorithms)("%s: a dynamic limit set at run time", async (_, algorithm) => {
        const k = keyspace();
        const rl = limiter(k, algorithm(), { dynamicLimits: true });
        await rl.setDynamicLimit({ limit: 3 });
        expect(await rl.getDynamicLimit()).toEqual({ dynamicLimit: 3 });
        expect(await outcomes(() => rl.limit("client"), 4)).toEqual(["pass/2", "pass/1", "pass/0", "refuse/0"]);
      });

      it("a cached fixed window, and a client blocked from the ephemeral cache without a call", async () => {
        const k = keyspace();
        const cached = new Ratelimit({
          redis,
          limiter: Ratelimit.cachedFixedWindow(2, "1 h"),
          prefix: k("cached"),
          ephemeralCache: new Map(),
          enableTelemetry: false,
        });
        expect((await outcomes(() => cached.limit("client"), 3)).map((o) => o.split("/")[0])).toEqual(["pass", "pass", "refuse"]);

        const blocking = new Ratelimit({
          redis,
          limiter: Ratelimit.fixedWindow(1, "1 h"),
          prefix: k("block"),
          ephemeralCache: new Map(),
          enableTelemetry: false,
        });
        expect((await blocking.limit("client")).success).toBe(true);
        const refused = await blocking.limit("client"); // by Redis
        expect([refused.success, refused.reason]).toEqual([false, undefined]);
        expect(await blocking.limit("client")).toMatchObject({ success: false, reason: "cacheBlock" });
      });

      it.each([
        ["fixed window", () => MultiRegionRatelimit.fixedWindow(2, "1 h")],
        ["sliding window", () => MultiRegionRatelimit.slidingWindow(2, "1 h")],
      ] as const)("the multi-region %s", async (_, algorithm) => {
        const k = keyspace();
        const rl = new MultiRegionRatelimit({ redis: [redis], limiter: algorithm(), prefix: k("mr"), ephemeralCache: false });
        const seen: boolean[] = [];
        for (let i = 0; i < 3; i++) {
          const result = await rl.limit("client");
          await result.pending;
          seen.push(result.success);
        }
        expect(seen).toEqual([true, true, false]);
        expect(await rl.getRemaining("client")).toMatchObject({ remaining: 0 });
        await rl.resetUsedTokens("client");
        expect((await rl.limit("client")).success).toBe(true);
      });
    });
    // The waiting room's one script (issue 12): places from concurrent arrivals, one per shopper
    // until the ticket expires on the caller's clock, slots spaced at the rate after a lull.
    it("runs the waiting room's join script as Redis does", async () => {
      const queue = new WaitingRoomQueue(redis);
      const sku = `gw-${process.pid}-${++testCount}`;
      const startsAt = 1_800_000_000_000;
      const arrive = (shopperId: string, since: number) =>
        queue.join({
          sku,
          startsAt,
          endsAt: startsAt + 3_600_000,
          shopperId,
          admitPerSecond: 4,
          ticketTtlSeconds: 60,
          now: startsAt + since,
        });
      try {
        const early = await Promise.all(Array.from({ length: 20 }, (_, i) => arrive(`shp_${i}`, -1_000)));
        expect(early.map((p) => p.place).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        for (const { place, slot } of early) expect(slot).toBe(place - 1);
        // Asking again holds the place; once the ticket has expired (place 20 admits at 4.75 s, for 60 s), a new one at the back.
        expect(await arrive("shp_7", 1_000)).toEqual(early[7]);
        const last = early.findIndex((p) => p.place === 20);
        expect(await arrive(`shp_${last}`, 4_750 + 59_999)).toEqual({ place: 20, slot: 19 });
        expect(await arrive(`shp_${last}`, 4_750 + 60_000)).toEqual({ place: 21, slot: 259 });
        // After the lull, the next arrivals take the first open slot and then one after another.
        expect(await arrive("shp_late", 600_000)).toEqual({ place: 22, slot: 2_400 });
        expect(await arrive("shp_later", 600_000)).toEqual({ place: 23, slot: 2_401 });
      } finally {
        const keys = await redis.keys(`waiting-room:{${sku}:*`);
        if (keys.length > 0) await redis.del(...keys);
      }
    });
  });

  describe("over raw HTTP", () => {
    it("requires the bearer token on every request", async () => {
      for (const path of ["/", "/pipeline", "/multi-exec", "/get/x", "/nope"]) {
        expect(await raw(gateway, path, { body: '["PING"]', token: null })).toEqual({ status: 401, body: { error: "Unauthorized" } });
        expect(await raw(gateway, path, { body: '["PING"]', token: `${TOKEN}x` })).toEqual({
          status: 401,
          body: { error: "Unauthorized" },
        });
      }
      expect(await raw(gateway, `/echo/hi?_token=${TOKEN}`, { token: null })).toEqual({ status: 200, body: { result: "hi" } });
    });

    it("runs a command posted as a JSON array", async () => {
      const k = keyspace();
      expect(await post(gateway, "/", ["SET", k("a"), "v"])).toEqual({ status: 200, body: { result: "OK" } });
      expect(await post(gateway, "/", ["get", k("a")])).toEqual({ status: 200, body: { result: "v" } });
      expect(await post(gateway, "/", ["SETEX", k("b"), 100, "w"])).toEqual({ status: 200, body: { result: "OK" } });
      expect(await post(gateway, "/", ["TTL", k("b")])).toEqual({ status: 200, body: { result: 100 } });
    });

    it("runs commands in the URL-path form", async () => {
      const k = keyspace();
      const key = encodeURIComponent(k("path key/ü"));
      expect(await raw(gateway, `/set/${key}/hello%20w%C3%B6rld`)).toEqual({ status: 200, body: { result: "OK" } });
      expect(await raw(gateway, `/get/${key}`)).toEqual({ status: 200, body: { result: "hello wörld" } });
      expect(await post(gateway, "/", ["GET", k("path key/ü")])).toEqual({ status: 200, body: { result: "hello wörld" } });

      // A POST body is the last argument, query parameters come after it: SET key <body> EX 100.
      const bytes = new Uint8Array([0xff, 0x00, 0xfe, 0x80, 0x41]);
      expect(await raw(gateway, `/set/${encodeURIComponent(k("bin"))}?EX=100`, { body: bytes })).toEqual({
        status: 200,
        body: { result: "OK" },
      });
      const stored = await raw(gateway, `/get/${encodeURIComponent(k("bin"))}`, { base64: true });
      expect(stored).toEqual({ status: 200, body: { result: Buffer.from(bytes).toString("base64") } });
      expect(await raw(gateway, `/ttl/${encodeURIComponent(k("bin"))}`)).toEqual({ status: 200, body: { result: 100 } });
    });

    it("base64-encodes strings with Upstash-Encoding: base64, except a top-level OK", async () => {
      const k = keyspace();
      expect(await post(gateway, "/", ["SET", k("s"), "ünïcode"], true)).toEqual({ status: 200, body: { result: "OK" } });
      expect(await post(gateway, "/", ["GET", k("s")], true)).toEqual({ status: 200, body: { result: b64("ünïcode") } });
      expect(await post(gateway, "/", ["INCR", k("n")], true)).toEqual({ status: 200, body: { result: 1 } });
      expect(await post(gateway, "/", ["GET", k("missing")], true)).toEqual({ status: 200, body: { result: null } });
      expect(await post(gateway, "/", ["MGET", k("s"), k("missing"), k("n")], true)).toEqual({
        status: 200,
        body: { result: [b64("ünïcode"), null, b64("1")] },
      });
      // Inside arrays every string is encoded, "OK" included: the client decodes array items unconditionally.
      expect(await post(gateway, "/", ["EVAL", "return {'OK', 7, {'nested'}}", 0], true)).toEqual({
        status: 200,
        body: { result: [b64("OK"), 7, [b64("nested")]] },
      });
      expect(
        await post(
          gateway,
          "/pipeline",
          [
            ["SET", k("t"), "x"],
            ["GET", k("t")],
          ],
          true,
        ),
      ).toEqual({
        status: 200,
        body: [{ result: "OK" }, { result: b64("x") }],
      });
    });

    it("answers a pipeline with one result or error per command", async () => {
      const k = keyspace();
      const response = await post(gateway, "/pipeline", [
        ["SET", k("a"), "x"],
        ["INCR", k("a")],
        ["GET", k("a")],
        ["NOSUCHCOMMAND"],
        ["ZADD", k("z"), 11, "item1", 22, "item2"],
      ]);
      expect(response.status).toBe(200);
      const body = response.body as Array<{ result?: unknown; error?: string }>;
      expect(body).toHaveLength(5);
      expect(body[0]).toEqual({ result: "OK" });
      expect(body[1]).toEqual({ error: "ERR value is not an integer or out of range" });
      expect(body[2]).toEqual({ result: "x" });
      expect(body[3]?.error).toMatch(/^ERR unknown command/);
      expect(body[4]).toEqual({ result: 2 });
    });

    it("runs multi-exec atomically and discards it whole if a command cannot be queued", async () => {
      const k = keyspace();
      await post(gateway, "/", ["SET", k("text"), "abc"]);
      expect(
        await post(gateway, "/multi-exec", [
          ["SET", k("a"), "1"],
          ["INCR", k("text")],
          ["INCR", k("a")],
        ]),
      ).toEqual({
        status: 200,
        body: [{ result: "OK" }, { error: "ERR value is not an integer or out of range" }, { result: 2 }],
      });
      const aborted = await post(gateway, "/multi-exec", [
        ["SET", k("b"), "1"],
        ["NOSUCHCOMMAND", "x"],
      ]);
      expect(aborted.status).toBe(400);
      expect((aborted.body as { error: string }).error).toMatch(/^EXECABORT/);
      expect(await post(gateway, "/", ["EXISTS", k("b")])).toEqual({ status: 200, body: { result: 0 } });
    });

    it('turns a Redis error reply into 400 {"error"}', async () => {
      const k = keyspace();
      await post(gateway, "/", ["SET", k("text"), "abc"]);
      expect(await post(gateway, "/", ["INCR", k("text")])).toEqual({
        status: 400,
        body: { error: "ERR value is not an integer or out of range" },
      });
      expect(await post(gateway, "/", ["MULTI"])).toEqual({ status: 400, body: { error: expect.stringMatching(/not available/) } });
    });

    it("rejects malformed bodies with 400", async () => {
      for (const [path, body] of [
        ["/", "{not json"],
        ["/", '{"command":"GET"}'],
        ["/", "[]"],
        ["/", '[["GET","k"]]'],
        ["/", '["SET","k",null]'],
        ["/", '["SET","k",{"a":1}]'],
        ["/pipeline", '["GET","k"]'],
        ["/pipeline", "[]"],
        ["/multi-exec", '[["GET","k"],"oops"]'],
        ["/multi-exec", "nope"],
      ] as const) {
        const response = await raw(gateway, path, { body });
        expect(response.status, `${path} ${body}`).toBe(400);
        expect((response.body as { error: string }).error).toMatch(/^ERR malformed/);
      }
    });

    it("runs scripts with shebang flags, addressed by the SHA-1 of the text the client sent", async () => {
      const k = keyspace();
      const script = `#!lua flags=allow-key-locking\nreturn {redis.call('INCRBY', KEYS[1], ARGV[1]), ARGV[2]}`;
      const sha = createHash("sha1").update(script).digest("hex");
      expect(await post(gateway, "/", ["EVALSHA", sha, "1", k("n"), "1", "a"])).toMatchObject({
        status: 400,
        body: { error: /^NOSCRIPT/ },
      });
      expect(await post(gateway, "/", ["EVAL", script, "1", k("n"), "2", "b"])).toEqual({ status: 200, body: { result: [2, "b"] } });
      expect(await post(gateway, "/", ["EVALSHA", sha, "1", k("n"), "3", "c"])).toEqual({ status: 200, body: { result: [5, "c"] } });
      expect(await post(gateway, "/", ["SCRIPT", "EXISTS", sha, "0".repeat(40)])).toEqual({ status: 200, body: { result: [1, 0] } });

      // Redis' own flags are kept (a write in a no-writes script is refused), and SCRIPT LOAD answers the client's hash.
      const readOnly = `#!lua flags=no-writes,allow-key-locking\nreturn redis.call('GET', KEYS[1])`;
      const readOnlySha = createHash("sha1").update(readOnly).digest("hex");
      expect(await post(gateway, "/", ["SCRIPT", "LOAD", readOnly])).toEqual({ status: 200, body: { result: readOnlySha } });
      expect(await post(gateway, "/", ["EVALSHA", readOnlySha, "1", k("n")])).toEqual({ status: 200, body: { result: "5" } });

      // In a transaction and a pipeline alike.
      expect(
        await post(gateway, "/multi-exec", [
          ["EVALSHA", sha, "1", k("n"), "1", "d"],
          ["EVAL", script, "1", k("m"), "1", "e"],
          ["SCRIPT", "LOAD", script],
        ]),
      ).toEqual({ status: 200, body: [{ result: [6, "d"] }, { result: [1, "e"] }, { result: sha }] });
      expect(await post(gateway, "/pipeline", [["EVALSHA", sha, "1", k("m"), "1", "f"]])).toEqual({
        status: 200,
        body: [{ result: [2, "f"] }],
      });
    });

    it("answers other paths and methods with a JSON error", async () => {
      expect(await raw(gateway, "/")).toMatchObject({ status: 404, body: { error: expect.any(String) } });
      expect(await raw(gateway, "/pipeline")).toMatchObject({ status: 404, body: { error: expect.any(String) } });
      expect(await raw(gateway, "/multi-exec")).toMatchObject({ status: 404, body: { error: expect.any(String) } });
      expect(await raw(gateway, "/get/x", { method: "DELETE" })).toMatchObject({ status: 405, body: { error: expect.any(String) } });
    });
  });
});

describe("the gateway's script dialects (issue 12)", () => {
  it("gives Redis a shebang with only the flags it knows, or none", () => {
    expect(scriptForRedis("#!lua flags=allow-key-locking\nreturn 1")).toBe("-- lua flags=allow-key-locking\nreturn 1");
    expect(scriptForRedis("#!lua flags=no-writes,allow-key-locking\nreturn 1")).toBe("#!lua flags=no-writes\nreturn 1");
    expect(scriptForRedis("#!lua flags=no-writes,allow-stale\nreturn 1")).toBe("#!lua flags=no-writes,allow-stale\nreturn 1");
    expect(scriptForRedis("#!lua\nreturn 1")).toBe("#!lua\nreturn 1");
    expect(scriptForRedis("return 1 -- #!lua flags=allow-key-locking")).toBe("return 1 -- #!lua flags=allow-key-locking");
  });

  it("gives the in-process VM no shebang, and the script's lines where they were", () => {
    const vm = scriptForLuaVm("#!lua flags=allow-key-locking\nlocal x = 1\nreturn x");
    expect(vm).not.toContain("#!");
    expect(vm.split("\n").slice(1)).toEqual(["local x = 1", "return x", "end)())"]);
  });
});

describe("starting the Upstash gateway", () => {
  it("falls back to the in-process store when no Redis answers", async () => {
    const closedPort = await freePort(); // free a moment ago, so nothing answers there
    const started = Date.now();
    const lines: string[] = [];
    const gateway = await startUpstashGateway({
      port: 0,
      token: TOKEN,
      redisUrl: `redis://127.0.0.1:${closedPort}`,
      log: (line) => lines.push(line),
    });
    try {
      expect(gateway.backend).toBe("in-process");
      expect(gateway.redisUrl).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(3000);
      expect(lines.join("\n")).toContain(`127.0.0.1:${closedPort}`);
      expect(await client(gateway).set(`${RUN_ID}:fallback`, 1)).toBe("OK");
    } finally {
      await gateway.close();
    }
  });

  it("gives each in-process gateway its own store", async () => {
    const one = await startUpstashGateway({ port: 0, token: TOKEN });
    const two = await startUpstashGateway({ port: 0, token: TOKEN });
    try {
      await client(one).set(`${RUN_ID}:own`, "one");
      expect(await client(two).get(`${RUN_ID}:own`)).toBeNull();
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it("says which port is taken", async () => {
    const first = await startUpstashGateway({ port: 0, token: TOKEN });
    const port = Number(new URL(first.url).port);
    try {
      await expect(startUpstashGateway({ port, token: TOKEN })).rejects.toThrow(`port ${port} is already in use (Upstash gateway)`);
    } finally {
      await first.close();
      await first.close(); // closing twice is harmless
    }
  });
});
