import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { clientAddressKey } from "../../../src/client-address.ts";
import { redisSettings } from "../../../src/config.ts";
import { AppError } from "../../../src/errors.ts";
import { BlockCache } from "../../../src/rate-limit/block-cache.ts";
import { addressIdentifier, limitPrefix, shopperIdentifier } from "../../../src/rate-limit/keys.ts";
import {
  DEFAULT_RATE_LIMITS,
  describeLimit,
  RATE_LIMIT_VARS,
  type RateLimit,
  type RateLimitName,
  type RateLimits,
  rateLimitSetting,
  rateLimitsFrom,
  retryAfterSeconds,
} from "../../../src/rate-limit/limits.ts";
import { OutageLog } from "../../../src/rate-limit/outage-log.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { openRedis } from "../../../src/redis/client.ts";
import { withTimeout } from "../../../src/timeout.ts";
import type { AppEnv } from "../app-env.ts";
import { withContract } from "../contract/middleware-contract.ts";
import { presentedShopper } from "./session.ts";

/**
 * The shopper rate limits (issue 12; the limits and their configuration in
 * src/rate-limit/limits.ts), counted with @upstash/ratelimit in Upstash Redis, in fixed
 * windows: a refusal's `Retry-After` is exact (the window's end), where a sliding window's
 * would only be a guess; the price is that a client may pass up to twice its limit across a
 * window's boundary.
 *
 * - A refused request is answered 429 `rate_limited` with `Retry-After` (and `retryAfter`)
 *   before anything is read from or written to a SKU's object: nothing is taken.
 * - A client refused once is refused again from this isolate's memory until its window ends
 *   (the library's `ephemeralCache`, here a bounded BlockCache): a flood costs Redis nothing.
 * - If Redis does not answer within RATE_LIMIT_WAIT_MS, or fails, the request goes through
 *   unlimited and the outage is logged: a flash sale must not stop because its limiter did.
 */

/** How long a request waits for the limiter before it goes through unlimited. */
export const RATE_LIMIT_WAIT_MS = 300;

/** Per isolate: the configuration by its variables' values, parsed (and its problems logged) once. */
const configurations = new Map<string, RateLimits>();
/** Per isolate: the same, by the bindings object, so a request does not rebuild the key each time it asks. */
const configurationsByEnv = new WeakMap<Env, RateLimits>();
/** Per isolate: each limit's blocked clients, by the limit's prefix (keys.ts). */
const blockedClients = new Map<string, BlockCache>();
const outages = new OutageLog((line) => console.error(line));
/** Per request: its Redis client (redisOf). */
const requestClients = new WeakMap<Request, Redis>();

/**
 * The new shoppers per client address, on every route that can issue a shopper identity and
 * writes nothing (`POST /api/session`, `GET /api/orders/{id}`); the writes count new shoppers
 * in `addressLimit`. Runs before `session`, so a refused request is issued no cookie.
 */
export const sessionLimit = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    // A limit that is off costs nothing: no digest, no second look at the cookie.
    if (limitsOf(c.env).sessionPerAddress !== null && (await issuesNewSession(c))) {
      refuseIfOver(c, [await count(c, "sessionPerAddress", await clientAddress(c))]);
    }
    await next();
  }),
  {
    errors: ["rate_limited"],
    note: `A request without a valid session cookie is a new shopper; new shoppers are limited per client address (${configured("sessionPerAddress")}): beyond it, 429 \`rate_limited\` with \`Retry-After\`, and no cookie.`,
  },
);

/**
 * Shopper writes per client address, and, when the write will issue a new shopper, new
 * shoppers per address. Runs before `session`: a flood from one address costs no cookie work.
 * The two counts go to Redis together (@upstash/redis pipelines calls made in one tick).
 */
export const addressLimit = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    const limits = limitsOf(c.env);
    // Limits that are off cost nothing on the checkout's path: no digest, no second look at the cookie.
    if (limits.writesPerAddress !== null || limits.sessionPerAddress !== null) {
      const address = await clientAddress(c);
      const newShopper = limits.sessionPerAddress !== null && (await issuesNewSession(c));
      refuseIfOver(
        c,
        await Promise.all([count(c, "writesPerAddress", address), newShopper ? count(c, "sessionPerAddress", address) : null]),
      );
    }
    await next();
  }),
  {
    errors: ["rate_limited"],
    note: `Rate limited per client address (\`CF-Connecting-IP\`, an IPv6 client by its /64): shopper writes (${configured("writesPerAddress")}), and new shoppers, a request without a valid session cookie (${configured("sessionPerAddress")}). Beyond either, 429 \`rate_limited\` with \`Retry-After\`; nothing is taken.`,
  },
);

/** Shopper writes per shopper. Runs after `session`, whose shopper it counts. */
export const shopperLimit = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    if (limitsOf(c.env).writesPerShopper !== null) {
      refuseIfOver(c, [await count(c, "writesPerShopper", shopperIdentifier(c.get("shopperId")))]);
    }
    await next();
  }),
  {
    errors: ["rate_limited"],
    note: `Rate limited per shopper (${configured("writesPerShopper")}): beyond it, 429 \`rate_limited\` with \`Retry-After\`; nothing is taken.`,
  },
);

/** Event beacons per shopper (issue 13): counted apart from writes. Runs after `session`. */
export const eventsLimit = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    if (limitsOf(c.env).eventsPerShopper !== null) {
      refuseIfOver(c, [await count(c, "eventsPerShopper", shopperIdentifier(c.get("shopperId")))]);
    }
    await next();
  }),
  {
    errors: ["rate_limited"],
    note: `Rate limited per shopper (${configured("eventsPerShopper")}), apart from writes: beyond it, 429 \`rate_limited\` with \`Retry-After\`; nothing is queued.`,
  },
);

/** A refusal: which limit, and in how many seconds to come back. */
interface Refusal {
  name: RateLimitName;
  retryAfter: number;
}

const REFUSED: Record<RateLimitName, string> = {
  sessionPerAddress: "too many new shoppers from this address",
  writesPerAddress: "too many checkouts and order changes from this address",
  writesPerShopper: "too many checkouts and order changes by this shopper",
  eventsPerShopper: "too many event beacons from this shopper",
};

/** 429 `rate_limited` for the longest of the refusals, if there is one. */
function refuseIfOver(c: Context<AppEnv>, verdicts: ReadonlyArray<Refusal | null>): void {
  const refusal = verdicts.reduce<Refusal | null>((worst, v) => (v && (!worst || v.retryAfter > worst.retryAfter) ? v : worst), null);
  if (!refusal) return;
  c.header("Retry-After", String(refusal.retryAfter));
  throw new AppError("rate_limited", `${REFUSED[refusal.name]}; try again in ${refusal.retryAfter} s`, { retryAfter: refusal.retryAfter });
}

/**
 * Counts one request against a limit: a refusal, or null when it may go on (also when the limit
 * is off, and when Redis did not answer in time: fail open, logged).
 */
async function count(c: Context<AppEnv>, name: RateLimitName, identifier: string): Promise<Refusal | null> {
  const limit = limitsOf(c.env)[name];
  if (limit === null) return null;
  try {
    const { success, reset } = await withTimeout(limiter(redisOf(c), name, limit).limit(identifier), RATE_LIMIT_WAIT_MS);
    return success ? null : { name, retryAfter: retryAfterSeconds(reset, Date.now()) };
  } catch (error) {
    const why = redactSecrets(error instanceof Error ? error.message : String(error));
    outages.report(`rate limit ${name}: no answer from Redis (${why}); requests go through unlimited`);
    return null;
  }
}

function limiter(redis: Redis, name: RateLimitName, limit: RateLimit): Ratelimit {
  const prefix = limitPrefix(name, limit);
  let blocked = blockedClients.get(prefix);
  if (!blocked) {
    blocked = new BlockCache();
    blockedClients.set(prefix, blocked);
  }
  return new Ratelimit({
    redis,
    limiter: Ratelimit.fixedWindow(limit.requests, `${limit.windowMs} ms`),
    prefix,
    ephemeralCache: blocked,
    // withTimeout above decides; the library's own timeout would answer "allowed" and leave its timer behind.
    timeout: 0,
    analytics: false,
    enableTelemetry: false,
  });
}

/**
 * The request's one Redis client: the counts a request makes at once share its auto-pipeline,
 * so they reach Redis in one HTTP request. (Not one client per isolate: a batch sent on behalf
 * of one request must not carry another's commands.)
 */
function redisOf(c: Context<AppEnv>): Redis {
  let redis = requestClients.get(c.req.raw);
  if (!redis) {
    redis = openRedis(redisSettings(c.env));
    requestClients.set(c.req.raw, redis);
  }
  return redis;
}

/** The limits in effect: the variables parsed once per isolate, a bad value logged and replaced by its default (limits.ts). */
function limitsOf(env: Env): RateLimits {
  const known = configurationsByEnv.get(env);
  if (known) return known;
  const key = JSON.stringify(Object.values(RATE_LIMIT_VARS).map((variable) => env[variable] ?? ""));
  let limits = configurations.get(key);
  if (!limits) {
    const configuration = rateLimitsFrom(env);
    for (const problem of configuration.problems) console.error(`rate limits: ${problem}`);
    limits = configuration.limits;
    configurations.set(key, limits);
  }
  configurationsByEnv.set(env, limits);
  return limits;
}

/** The client address a request is counted under: its digest (keys.ts). */
function clientAddress(c: Context<AppEnv>): Promise<string> {
  return addressIdentifier(clientAddressKey(c.req.header("CF-Connecting-IP")));
}

/**
 * Whether `session` (session.ts) will issue this request a new shopper: it presents no cookie
 * that verifies. (Only shopper ids are ever signed with SESSION_SECRET, so a cookie that
 * verifies is a shopper's.) Without the secret, `session` refuses the request before it issues
 * anything.
 */
async function issuesNewSession(c: Context<AppEnv>): Promise<boolean> {
  const secret = c.env.SESSION_SECRET;
  if (!secret) return false;
  return (await presentedShopper(c, secret)) === null;
}

/** A limit's variable and default, for the document: `RATE_LIMIT_…, by default 20 per 10 s`. */
function configured(name: RateLimitName): string {
  return `\`${RATE_LIMIT_VARS[name]}\`, by default ${describeLimit(rateLimitSetting.parse(DEFAULT_RATE_LIMITS[name]))}`;
}
