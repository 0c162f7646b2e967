import { z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { isTestSecret, verifyTurnstile } from "../../../src/bot-check/turnstile.ts";
import { TURNSTILE_ACTION, TURNSTILE_TOKEN_HEADER } from "../../../src/bot-check/widget.ts";
import { AppError } from "../../../src/errors.ts";
import type { AppEnv } from "../app-env.ts";
import { withContract } from "../contract/middleware-contract.ts";

/**
 * The token header in a route's contract. Optional in the schema, since a shop without
 * TURNSTILE_SECRET_KEY takes none; `botCheck` requires it when the shop has the check on.
 */
export const turnstileTokenHeader = z.object({
  [TURNSTILE_TOKEN_HEADER]: z
    .string()
    .optional()
    .openapi({
      param: {
        description:
          "Cloudflare Turnstile token, single-use (a fresh one per attempt, also to retry with the same Idempotency-Key). Required when the shop has its bot check on (TURNSTILE_SECRET_KEY): without it, or with one Siteverify refuses, 403 `bot_check_failed`. Ignored when the check is off.",
      },
    }),
});

/**
 * The bot check of a checkout (issue 12), off unless TURNSTILE_SECRET_KEY is configured: the
 * request's Turnstile token (TURNSTILE_TOKEN_HEADER) must pass Cloudflare's Siteverify, solved on
 * this shop's hostname for TURNSTILE_ACTION. No token, or one Siteverify refuses: 403
 * `bot_check_failed`. Siteverify unreachable, too slow or failing on its side: 503
 * `dependency_unavailable`, never a pass: the check fails closed, since a flash sale under a bot
 * storm is exactly when an outage would otherwise let every bot through.
 *
 * Every checkout is verified, a retry of one (same Idempotency-Key) too: Siteverify accepts a
 * token once, so a retry brings a fresh token, and the SKU object then replays its order as ever.
 */
export const botCheck = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    const secret = c.env.TURNSTILE_SECRET_KEY;
    if (!secret) return next();
    const hostname = new URL(c.req.url).hostname;
    const verdict = await verifyTurnstile({
      secret,
      token: c.req.header(TURNSTILE_TOKEN_HEADER),
      remoteIp: c.req.header("CF-Connecting-IP"),
      // Cloudflare's test secrets answer with a fixed hostname and action of their own.
      expect: isTestSecret(secret) ? {} : { hostname, action: TURNSTILE_ACTION },
    });
    if (verdict.ok) return next();
    if (!verdict.refused) {
      console.error(`bot check: ${verdict.problem}; checkout refused (fails closed)`);
      throw new AppError("dependency_unavailable", "the bot check could not be completed just now; please try again");
    }
    throw new AppError(
      "bot_check_failed",
      `the bot check did not pass: send a fresh Turnstile token in ${TURNSTILE_TOKEN_HEADER} (each token is good for one attempt)`,
      { reasons: verdict.reasons },
    );
  }),
  {
    errors: ["bot_check_failed", "dependency_unavailable"],
    note: `When the shop has its bot check on (Cloudflare Turnstile), send a fresh widget token in \`${TURNSTILE_TOKEN_HEADER}\` with every attempt, a retry too: without one, or with one Siteverify refuses, 403 \`bot_check_failed\` (\`reasons\`); Siteverify unreachable, 503 \`dependency_unavailable\` (the check fails closed). A refused call takes nothing.`,
  },
);
