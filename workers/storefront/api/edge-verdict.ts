import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { RefusalMemory, type Outcome, type RememberedCode } from "../../../src/edge/refusal-memory.ts";
import { AppError } from "../../../src/errors.ts";
import { saleConfigSchema, type SaleConfig } from "../../../src/sales/sale-config.ts";
import { withTimeout } from "../../../src/timeout.ts";
import type { AppEnv } from "../app-env.ts";
import { withContract } from "../contract/middleware-contract.ts";
import { readJson, SHOPPER_BODY_LIMIT } from "./request-body.ts";
import { atEdge, edgeClock, noSale, saleDirectory } from "./sku-object.ts";
import { idempotencyKeyHeader } from "./validation.ts";

/**
 * How long a refusal of the SKU's object is answered again from memory, by code (issue 12).
 * `sold_out` and `not_started`: a second, because held units come back (a hold expires, a
 * shopper cancels, a marketer tops up) and a marketer may move a start earlier, and no sale
 * may be lost to a stale "sold out" for longer; a not-started one also never past the start the
 * object named. `ended`: an ended sale stays ended unless its configuration changes, which a
 * save through this isolate makes known at once (`saleSaved`), and through another within 5 s.
 */
export const REFUSAL_TRUST_MS: Record<RememberedCode, number> = { not_started: 1_000, sold_out: 1_000, ended: 5_000 };

/** A request waiting for the probe gives up waiting after this long and asks the object itself. */
const PROBE_WAIT_MS = 5_000;

/** The isolate's memory of the SKU objects' refusals (src/edge/refusal-memory.ts). */
export const refusals = new RefusalMemory({
  now: () => edgeClock.now(),
  trustMs: REFUSAL_TRUST_MS,
  maxSkus: 10_000,
  // The keys of the last orders made here: a lost answer's retry comes within seconds.
  maxKeysPerSku: 4_096,
});

const skuSchema = saleConfigSchema.shape.sku;

/**
 * In front of a Try (issue 12), right after `shopperWrite` has read the body: answers from the
 * isolate's memory what the SKU's object would answer, so the object sees none of it.
 *
 * - A SKU this isolate found has no sale (in the last 5 s): 404 `not_found`, as the route
 *   would. Only from memory: looking the SKU up in KV is the route's (`saleObject`).
 * - A SKU whose object just refused a Try as `sold_out`, `not_started` or `ended`: that
 *   refusal, the same code, message and details, while it is trusted (REFUSAL_TRUST_MS). Then
 *   one request at a time goes to the object (the others wait for its answer), and what the
 *   object says renews the memory or clears it; a new order clears it at once.
 *
 * The retry of a Try that made an order through this isolate goes through (the object replays
 * it). Only a request with a well-formed SKU and Idempotency-Key is answered here; the rest of
 * the body is left to the route's validation, which runs later: a malformed `qty` for a
 * sold-out SKU hears `sold_out`.
 */
export const edgeVerdict = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    const sku = await skuOfBody(c);
    if (sku === null) return next();
    const key = c.req.header("Idempotency-Key") ?? "";
    if (saleDirectory.peek(sku) === null) {
      if (!wellFormedKey(key)) return next();
      throw noSale(sku);
    }
    for (;;) {
      const decision = refusals.decide(sku, key);
      if (decision.kind === "refuse") {
        if (!wellFormedKey(key)) return next();
        throw AppError.from(decision.failure);
      }
      if (decision.kind === "wait") {
        const answered = await withTimeout(decision.until, PROBE_WAIT_MS).then(
          () => true,
          () => false,
        );
        if (answered) continue;
        return next(); // the probe hangs: this one asks the object itself, and teaches nothing
      }
      try {
        await next();
      } finally {
        refusals.learn(decision.ticket, outcomeOf(c));
      }
      return;
    }
  }),
  {
    errors: ["not_found", "not_started", "sold_out", "ended"],
    note: "A SKU with no sale, or one its object has just refused a Try for as `sold_out`, `not_started` or `ended`, may be answered from the Worker's memory of that answer (trusted for 1 s; 5 s for `ended`): the same code, message and details, the object not asked.",
  },
);

/**
 * A sale was saved through this isolate (admin/save-sale.ts): it exists as saved (its object
 * runs it now: its window and waiting room too), and what was remembered of its refusals no
 * longer holds (a top-up, a new window).
 */
export function saleSaved(sale: SaleConfig): void {
  saleDirectory.set(sale.sku, atEdge(sale));
  refusals.forget(sale.sku);
}

/** The body's `sku` when it is one (read defensively: the route's own validation runs later), else null. */
export async function skuOfBody(c: Context<AppEnv>): Promise<string | null> {
  return skuIn(await readJson(c, SHOPPER_BODY_LIMIT, { emptyAs: {} }).catch(() => null));
}

/** A parsed body's `sku` when it is one, else null. */
export function skuIn(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("sku" in body)) return null;
  const { sku } = body;
  return typeof sku === "string" && skuSchema.safeParse(sku).success ? sku : null;
}

/** A request the route's validation would refuse (400) is left to it: that answer comes first. */
export function wellFormedKey(key: string): boolean {
  return idempotencyKeyHeader.safeParse({ "Idempotency-Key": key }).success;
}

/** What the request let through came to, as far as the sale's state goes. */
function outcomeOf(c: Context<AppEnv>): Outcome {
  const error = c.error;
  if (error instanceof AppError) {
    return { kind: "refused", failure: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
  }
  if (!error && c.res.status === 201) return { kind: "placed", replayed: c.res.headers.get("Idempotent-Replayed") === "true" };
  return { kind: "unknown" };
}
