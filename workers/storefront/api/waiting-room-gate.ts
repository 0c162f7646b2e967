import { z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { AppError } from "../../../src/errors.ts";
import { secondsUntil } from "../../../src/waiting-room/admission.ts";
import { judgeTicket, QUEUE_TICKET_HEADER, type TicketRefusal } from "../../../src/waiting-room/ticket.ts";
import type { AppEnv } from "../app-env.ts";
import { withContract } from "../contract/middleware-contract.ts";
import { skuOfBody } from "./edge-verdict.ts";
import { edgeClock, saleAtEdge } from "./sku-object.ts";

/**
 * The ticket header in the checkout's contract. Optional in the schema, since a sale without a
 * waiting room takes none; `waitingRoomGate` requires it when the sale has one.
 */
export const queueTicketHeader = z.object({
  [QUEUE_TICKET_HEADER]: z
    .string()
    .optional()
    .openapi({
      param: {
        description:
          "The queue ticket of the sale's waiting room (POST /api/skus/{sku}/queue), for this shopper. Required when the sale has a waiting room: without a valid one, 403 `queue_ticket_invalid`; before its `admitAt`, 429 `queue_not_admitted`. Ignored for a sale without one.",
      },
    }),
});

const REFUSED: Record<TicketRefusal, string> = {
  missing: `this sale has a waiting room: join its queue and send the ticket in ${QUEUE_TICKET_HEADER}`,
  forged: "the queue ticket is not one this shop issued; join the queue again",
  other_sale: "the queue ticket is for another sale (or an earlier opening of this one); join this sale's queue",
  other_shopper: "the queue ticket was issued to another shopper; join the queue yourself",
  expired: "the queue ticket has expired; join the queue again",
};

/**
 * The waiting room's gate on checkout (issue 12). After `session`, whose shopper a ticket must
 * name; before the per-shopper limit and the bot check, so a refused checkout costs neither a
 * Redis call nor a Turnstile token, and wakes no object: nothing is taken.
 *
 * A sale with a waiting room needs a ticket in QUEUE_TICKET_HEADER signed here, for this SKU and
 * opening, issued to this shopper, not expired (else 403 `queue_ticket_invalid`, with `reason`),
 * and its `admitAt` come on the server's clock (else 429 `queue_not_admitted` with `Retry-After`,
 * `place` and `admitAt`). The ticket is checked by its signature alone, no Redis: the places it
 * was given are in it, so the gate keeps working, and admitting in order, while Redis is down.
 *
 * The sale's configuration comes from the isolate's memory of it (`saleDirectory`, the same one
 * read that decides whether the SKU has a sale), so a sale without a waiting room costs its
 * checkouts no more than that lookup. KV unreachable with nothing known: no gate (logged by the
 * lookup), as the SKU's object then decides alone.
 */
export const waitingRoomGate = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    const sku = await skuOfBody(c);
    const sale = sku === null ? null : await saleAtEdge(c.env, sku).catch(() => null);
    if (sku === null || sale?.kind !== "sale" || sale.waitingRoom === null) return next();
    const now = edgeClock.now();
    // `session` ran first, and refuses without the secret.
    const secret = c.env.SESSION_SECRET ?? "";
    const verdict = await judgeTicket(
      c.req.header(QUEUE_TICKET_HEADER),
      { sku, saleStartsAt: sale.startsAt, shopperId: c.get("shopperId"), now },
      secret,
    );
    if (verdict.kind === "admitted") return next();
    if (verdict.kind === "refused") throw new AppError("queue_ticket_invalid", REFUSED[verdict.reason], { reason: verdict.reason });
    const { place, admitAt } = verdict.ticket;
    const retryAfter = secondsUntil(admitAt, now);
    c.header("Retry-After", String(retryAfter));
    throw new AppError("queue_not_admitted", `not your turn yet: the queue admits you in ${retryAfter} s`, { place, admitAt, retryAfter });
  }),
  {
    errors: ["queue_ticket_invalid", "queue_not_admitted"],
    note: `When the sale has a waiting room (its snapshot's \`waitingRoom\`), send the ticket of \`POST /api/skus/{sku}/queue\` in \`${QUEUE_TICKET_HEADER}\`: without a valid one (missing, forged or altered, for another sale or shopper, expired), 403 \`queue_ticket_invalid\` (\`reason\`); before its \`admitAt\`, 429 \`queue_not_admitted\` with \`Retry-After\`. A refused call takes nothing.`,
  },
);
