import { z } from "zod";

/**
 * The shopper rate limits (issue 12), each a number of requests in a sliding window, counted
 * in Upstash Redis so that every isolate at the edge sees the same counts:
 * - `sessionPerAddress`: new shopper identities issued to one client address. A new identity
 *   is a fresh per-shopper allowance of a sale's units, so minting them is what a bot does;
 * - `writesPerShopper`: Try, cancel by key, Confirm and Cancel by one shopper;
 * - `writesPerAddress`: the same writes from one client address, whoever the shopper;
 * - `eventsPerShopper`: event beacons (issue 13) by one shopper, counted apart so that a page's
 *   analytics can never use up the shopper's writes.
 *
 * A flash sale's shoppers often share one address: a mobile carrier's carrier-grade NAT puts
 * hundreds of subscribers behind one IPv4 address, and they all press Buy in the same second.
 * So the per-address limits are far above what one person does (and an IPv6 client is counted
 * by its /64, its own); the per-shopper limit is where one person is held to a person's pace.
 */
export type RateLimitName = "sessionPerAddress" | "writesPerShopper" | "writesPerAddress" | "eventsPerShopper";

/** `requests` in any `windowMs`; `null` is a limit turned off. */
export interface RateLimit {
  requests: number;
  windowMs: number;
}

export type RateLimits = Record<RateLimitName, RateLimit | null>;

/** The variable (wrangler.toml `[vars]`) each limit is configured by. */
export const RATE_LIMIT_VARS = {
  sessionPerAddress: "RATE_LIMIT_SESSION_PER_ADDRESS",
  writesPerShopper: "RATE_LIMIT_WRITES_PER_SHOPPER",
  writesPerAddress: "RATE_LIMIT_WRITES_PER_ADDRESS",
  eventsPerShopper: "RATE_LIMIT_EVENTS_PER_SHOPPER",
} as const satisfies Record<RateLimitName, string>;

export type RateLimitVar = (typeof RATE_LIMIT_VARS)[RateLimitName];

/**
 * The production defaults, used when a variable is unset or empty, and in place of a value that
 * does not parse. 600 new shoppers a minute from one address is 10 a second: a carrier-grade
 * NAT's crowd arriving at a sale's start. 20 writes in 10 s is more than a person clicking Buy,
 * paying and cancelling, retries included. 600 writes in 10 s from one address keeps one host
 * to about 2 % of what one SKU's object decides in a second (about 2,700 checkouts), while a
 * crowd behind one NAT address can still all buy. 60 beacons a minute is six times what a page
 * sends (one every 10 s, and one when it is hidden).
 */
export const DEFAULT_RATE_LIMITS = {
  sessionPerAddress: "600/60s",
  writesPerShopper: "20/10s",
  writesPerAddress: "600/10s",
  eventsPerShopper: "60/60s",
} as const satisfies Record<RateLimitName, string>;

/** Every limit off, as the tests and the benchmark run (each of them sends thousands of requests from one address). */
export const RATE_LIMITS_OFF = {
  RATE_LIMIT_SESSION_PER_ADDRESS: "off",
  RATE_LIMIT_WRITES_PER_SHOPPER: "off",
  RATE_LIMIT_WRITES_PER_ADDRESS: "off",
  RATE_LIMIT_EVENTS_PER_SHOPPER: "off",
} as const satisfies Record<RateLimitVar, "off">;

const MAX_REQUESTS = 1_000_000;
const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const MAX_WINDOW_MS = 24 * HOUR_MS;
const FORM = /^(\d+)\s*\/\s*(\d*)\s*(s|m|h)$/;
const SAY = "write <requests>/<window>, such as 20/10s, 600/1m or 1000/h (seconds s, minutes m, hours h), or off";

/**
 * One limit as configured: `<requests>/<window>` (`20/10s`, `600/1m`, `100/h`) or `off`, in
 * any case and spacing. At most 1,000,000 requests, a window of 1 s to 24 h: a window under a
 * second would make `Retry-After` (whole seconds) lie.
 */
export const rateLimitSetting = z.string().transform((text, ctx): RateLimit | null => {
  const value = text.trim().toLowerCase();
  if (value === "off") return null;
  const form = FORM.exec(value);
  if (!form) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a limit: ${SAY}` });
    return z.NEVER;
  }
  const [, count = "", length = "", unit = "s"] = form;
  const requests = Number(count);
  const windowMs = Number(length || "1") * (unit === "h" ? HOUR_MS : unit === "m" ? MINUTE_MS : SECOND_MS);
  if (!Number.isSafeInteger(requests) || requests < 1 || requests > MAX_REQUESTS) {
    ctx.addIssue({ code: "custom", message: `"${text}": the number of requests must be 1 to ${MAX_REQUESTS.toLocaleString("en")}` });
    return z.NEVER;
  }
  if (windowMs < SECOND_MS || windowMs > MAX_WINDOW_MS) {
    ctx.addIssue({ code: "custom", message: `"${text}": the window must be 1 s to 24 h` });
    return z.NEVER;
  }
  return { requests, windowMs };
});

/** The limits in effect, and a sentence for each variable whose value could not be used. */
export interface RateLimitConfig {
  limits: RateLimits;
  problems: string[];
}

/**
 * The limits the variables configure. Unset or empty is the default; a value that does not parse
 * is the default too, and a problem: a typo must neither stop a sale (a 503 on every write) nor
 * quietly lift a limit, so it is logged (by the caller) and the default holds.
 */
export function rateLimitsFrom(vars: Partial<Record<RateLimitVar, string | undefined>>): RateLimitConfig {
  const problems: string[] = [];
  const limit = (name: RateLimitName): RateLimit | null => {
    const variable = RATE_LIMIT_VARS[name];
    const given = vars[variable]?.trim() ? vars[variable] : undefined;
    const parsed = rateLimitSetting.safeParse(given ?? DEFAULT_RATE_LIMITS[name]);
    if (parsed.success) return parsed.data;
    const why = parsed.error.issues.map((issue) => issue.message).join("; ");
    problems.push(`${variable}: ${why}; using the default, ${DEFAULT_RATE_LIMITS[name]}`);
    return rateLimitSetting.parse(DEFAULT_RATE_LIMITS[name]);
  };
  const limits: RateLimits = {
    sessionPerAddress: limit("sessionPerAddress"),
    writesPerShopper: limit("writesPerShopper"),
    writesPerAddress: limit("writesPerAddress"),
    eventsPerShopper: limit("eventsPerShopper"),
  };
  return { limits, problems };
}

/** The whole seconds until `resetAt` (epoch ms), at least 1: what `Retry-After` says. */
export function retryAfterSeconds(resetAt: number, now: number): number {
  return Math.max(1, Math.ceil((resetAt - now) / 1000));
}

/** A limit as people read it: `20 per 10 s`. */
export function describeLimit(limit: RateLimit | null): string {
  if (limit === null) return "off";
  const { windowMs } = limit;
  const window =
    windowMs % HOUR_MS === 0
      ? `${windowMs / HOUR_MS} h`
      : windowMs % MINUTE_MS === 0
        ? `${windowMs / MINUTE_MS} min`
        : `${windowMs / SECOND_MS} s`;
  return `${limit.requests} per ${window}`;
}
