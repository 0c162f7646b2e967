import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BlockCache } from "../../src/rate-limit/block-cache.ts";
import { addressIdentifier, limitPrefix, shopperIdentifier } from "../../src/rate-limit/keys.ts";
import {
  DEFAULT_RATE_LIMITS,
  describeLimit,
  RATE_LIMIT_VARS,
  RATE_LIMITS_OFF,
  rateLimitSetting,
  rateLimitsFrom,
  retryAfterSeconds,
} from "../../src/rate-limit/limits.ts";
import { OutageLog } from "../../src/rate-limit/outage-log.ts";

const parse = (text: string) => rateLimitSetting.safeParse(text);

describe("a rate limit setting", () => {
  it("is <requests>/<window> in seconds, minutes or hours, in any case and spacing", () => {
    expect(parse("20/10s").data).toEqual({ requests: 20, windowMs: 10_000 });
    expect(parse("600/1m").data).toEqual({ requests: 600, windowMs: 60_000 });
    expect(parse(" 1000 / h ").data).toEqual({ requests: 1000, windowMs: 3_600_000 });
    expect(parse("5/S").data).toEqual({ requests: 5, windowMs: 1_000 });
    expect(parse("1/24h").data).toEqual({ requests: 1, windowMs: 86_400_000 });
    expect(parse("1000000/1s").data).toEqual({ requests: 1_000_000, windowMs: 1_000 });
  });

  it("is off, in any case", () => {
    expect(parse("off").data).toBeNull();
    expect(parse(" OFF ").data).toBeNull();
  });

  it("refuses anything else, saying what to write", () => {
    for (const bad of ["", "20", "20/", "20/10", "20/10ms", "20/10d", "-1/10s", "1.5/10s", "20/1.5s", "twenty/10s", "no", "0ff"]) {
      const result = parse(bad);
      expect(result.success, bad).toBe(false);
      expect(result.error?.issues[0]?.message, bad).toMatch(/such as 20\/10s/);
    }
  });

  it("refuses a count or a window out of bounds", () => {
    expect(parse("0/10s").error?.issues[0]?.message).toMatch(/1 to 1,000,000/);
    expect(parse("1000001/10s").error?.issues[0]?.message).toMatch(/1 to 1,000,000/);
    expect(parse("99999999999999999999/10s").error?.issues[0]?.message).toMatch(/1 to 1,000,000/);
    expect(parse("20/0s").error?.issues[0]?.message).toMatch(/1 s to 24 h/);
    expect(parse("20/25h").error?.issues[0]?.message).toMatch(/1 s to 24 h/);
  });
});

describe("the rate limits of a configuration", () => {
  const defaults = {
    sessionPerAddress: { requests: 600, windowMs: 60_000 },
    writesPerShopper: { requests: 20, windowMs: 10_000 },
    writesPerAddress: { requests: 600, windowMs: 10_000 },
    eventsPerShopper: { requests: 60, windowMs: 60_000 },
  };

  it("are the defaults when unset or empty", () => {
    expect(rateLimitsFrom({})).toEqual({ limits: defaults, problems: [] });
    expect(rateLimitsFrom({ RATE_LIMIT_WRITES_PER_SHOPPER: "  ", RATE_LIMIT_SESSION_PER_ADDRESS: "" })).toEqual({
      limits: defaults,
      problems: [],
    });
  });

  it("take each variable for its own limit", () => {
    const { limits, problems } = rateLimitsFrom({
      RATE_LIMIT_SESSION_PER_ADDRESS: "3/1h",
      RATE_LIMIT_WRITES_PER_SHOPPER: "off",
      RATE_LIMIT_WRITES_PER_ADDRESS: "7/10s",
      RATE_LIMIT_EVENTS_PER_SHOPPER: "2/1m",
    });
    expect(problems).toEqual([]);
    expect(limits).toEqual({
      sessionPerAddress: { requests: 3, windowMs: 3_600_000 },
      writesPerShopper: null,
      writesPerAddress: { requests: 7, windowMs: 10_000 },
      eventsPerShopper: { requests: 2, windowMs: 60_000 },
    });
  });

  it("keep the default in place of a value that does not parse, and name the problem", () => {
    const { limits, problems } = rateLimitsFrom({ RATE_LIMIT_WRITES_PER_SHOPPER: "20 per 10s", RATE_LIMIT_WRITES_PER_ADDRESS: "0/1s" });
    expect(limits).toEqual(defaults);
    expect(problems).toEqual([
      expect.stringMatching(/^RATE_LIMIT_WRITES_PER_SHOPPER: "20 per 10s" is not a limit: .*; using the default, 20\/10s$/),
      expect.stringMatching(/^RATE_LIMIT_WRITES_PER_ADDRESS: .*1 to 1,000,000; using the default, 600\/10s$/),
    ]);
  });

  it("are all off with RATE_LIMITS_OFF, the tests' and the benchmark's configuration", () => {
    expect(rateLimitsFrom(RATE_LIMITS_OFF)).toEqual({
      limits: { sessionPerAddress: null, writesPerShopper: null, writesPerAddress: null, eventsPerShopper: null },
      problems: [],
    });
    expect(Object.keys(RATE_LIMITS_OFF).sort()).toEqual(Object.values(RATE_LIMIT_VARS).sort());
  });

  it("in wrangler.toml are the defaults, written out", () => {
    const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
    for (const [name, variable] of Object.entries(RATE_LIMIT_VARS)) {
      const value = new RegExp(`^${variable} = "([^"]*)"$`, "m").exec(toml)?.[1];
      expect(value, variable).toBe(DEFAULT_RATE_LIMITS[name as keyof typeof DEFAULT_RATE_LIMITS]);
    }
  });
});

describe("a refusal", () => {
  it("says when to come back in whole seconds, rounded up, at least 1", () => {
    expect(retryAfterSeconds(10_000, 0)).toBe(10);
    expect(retryAfterSeconds(10_001, 0)).toBe(11);
    expect(retryAfterSeconds(1_000, 999)).toBe(1);
    expect(retryAfterSeconds(1_000, 1_000)).toBe(1);
    expect(retryAfterSeconds(1_000, 5_000)).toBe(1);
  });

  it("describes its limit for people", () => {
    expect(describeLimit({ requests: 20, windowMs: 10_000 })).toBe("20 per 10 s");
    expect(describeLimit({ requests: 600, windowMs: 60_000 })).toBe("600 per 1 min");
    expect(describeLimit({ requests: 5, windowMs: 7_200_000 })).toBe("5 per 2 h");
    expect(describeLimit(null)).toBe("off");
  });
});

describe("rate limit keys", () => {
  it("give each configuration of a limit its own prefix", () => {
    expect(limitPrefix("writesPerShopper", { requests: 20, windowMs: 10_000 })).toBe("rate-limit:writesPerShopper:20/10000ms");
    expect(limitPrefix("writesPerShopper", { requests: 21, windowMs: 10_000 })).not.toBe(
      limitPrefix("writesPerShopper", { requests: 20, windowMs: 10_000 }),
    );
  });

  it("count an address under a digest that names no address, one per address", async () => {
    const a = await addressIdentifier("203.0.113.7");
    expect(a).toMatch(/^a_[0-9a-f]{32}$/);
    expect(a).not.toContain("203");
    expect(await addressIdentifier("203.0.113.7")).toBe(a);
    expect(await addressIdentifier("203.0.113.8")).not.toBe(a);
    expect(await addressIdentifier("2001:db8:0:1::/64")).not.toBe(await addressIdentifier("2001:db8:0:2::/64"));
  });

  it("count a shopper by its id", () => {
    expect(shopperIdentifier("shp_abc")).toBe("s_shp_abc");
  });
});

describe("the blocked-client cache", () => {
  it("is a Map, as @upstash/ratelimit requires of its ephemeralCache", () => {
    expect(new BlockCache()).toBeInstanceOf(Map);
  });

  it("sweeps ended blocks before it grows past its capacity", () => {
    let now = 1_000;
    const cache = new BlockCache(3, () => now);
    cache.set("a", 1_500).set("b", 5_000).set("c", 1_200);
    now = 2_000;
    cache.set("d", 9_000);
    expect([...cache.keys()]).toEqual(["b", "d"]);
  });

  it("drops the oldest entries when every block is still running", () => {
    const cache = new BlockCache(3, () => 0);
    cache.set("a", 10).set("b", 10).set("c", 10).set("d", 10).set("e", 10);
    expect([...cache.keys()]).toEqual(["c", "d", "e"]);
    cache.set("e", 20); // an update makes no room
    expect([...cache.entries()]).toEqual([
      ["c", 10],
      ["d", 10],
      ["e", 20],
    ]);
  });

  it("never holds more than its capacity under a flood of new clients", () => {
    const cache = new BlockCache(100, () => 0);
    for (let i = 0; i < 10_000; i++) cache.set(`client-${i}`, 1);
    expect(cache.size).toBe(100);
  });
});

describe("the outage log", () => {
  it("writes one line per period and says how many it held back", () => {
    let now = 0;
    const lines: string[] = [];
    const log = new OutageLog(
      (line) => lines.push(line),
      10_000,
      () => now,
    );
    log.report("down");
    log.report("down");
    log.report("down");
    now = 9_999;
    log.report("down");
    expect(lines).toEqual(["down"]);
    now = 10_000;
    log.report("still down");
    log.report("still down");
    now = 20_000;
    log.report("down again");
    expect(lines).toEqual(["down", "still down (and 3 more since the last report)", "down again (and 1 more since the last report)"]);
  });
});
