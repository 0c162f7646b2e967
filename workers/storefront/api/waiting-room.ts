import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { redisSettings } from "../../../src/config.ts";
import { AppError } from "../../../src/errors.ts";
import type { WaitingRoom } from "../../../src/sales/sale-config.ts";
import { OutageLog } from "../../../src/rate-limit/outage-log.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { openRedis } from "../../../src/redis/client.ts";
import { withTimeout } from "../../../src/timeout.ts";
import { admissionTime, secondsUntil } from "../../../src/waiting-room/admission.ts";
import { WaitingRoomQueue } from "../../../src/waiting-room/queue.ts";
import { QUEUE_TICKET_HEADER, type QueueTicket, signTicket } from "../../../src/waiting-room/ticket.ts";
import type { AppEnv } from "../app-env.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { addressLimit, shopperLimit } from "./rate-limit.ts";
import { session } from "./session.ts";
import { skuParams } from "./sku-param.ts";
import { edgeClock, noSale, type SaleAtEdge, saleAtEdge } from "./sku-object.ts";
import { shopperWrite } from "./validation.ts";

/** How long a join waits for Redis before the shopper is let through without a place (fail open). */
export const QUEUE_WAIT_MS = 1_000;

const outages = new OutageLog((line) => console.error(line));

const queueTicketSchema = z
  .object({
    ticket: z.string().describe(`send it in \`${QUEUE_TICKET_HEADER}\` with every checkout of this sale`),
    place: int
      .positive()
      .nullable()
      .describe(
        "the shopper's place, 1-based, in order of arrival; null when the queue could not be reached and the shopper is let through",
      ),
    admitAt: epochMs.describe("from then on the ticket admits to checkout"),
    expiresAt: epochMs.describe("from then on it no longer does: join again, at the back"),
    estimateSeconds: int.nonnegative().describe("seconds until admitAt, rounded up; 0: admitted now"),
    serverTime: epochMs.describe("the server's clock when the ticket was issued: count down against it"),
  })
  .openapi("QueueTicket");

const joinQueue = contractRoute({
  method: "post",
  path: "/skus/{sku}/queue",
  tags: ["checkout"],
  summary: "Join the sale's waiting room: a place in its queue and a signed ticket",
  description:
    "For a sale with a waiting room (its snapshot's `waitingRoom`). Places are given in order of arrival, one queue per sale and opening for every edge; the queue admits `admitPerSecond` shoppers a second, in order, from the opening (or at once when nobody is waiting). " +
    "The ticket names the sale, this shopper (the session cookie) and the place, is signed, and admits to checkout from `admitAt` until `expiresAt` (`ticketTtlSeconds` later). Asking again returns the same place until the ticket expires; after that the shopper joins again at the back. " +
    "When the queue (Redis) cannot be reached, the shopper is let through at once with a ticket of no place (fail open: the SKU's object still guards the stock).",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: {
    params: skuParams,
    body: { required: false, content: { "application/json": { schema: z.unknown().describe("nothing: send `{}` or no body") } } },
  },
  responses: {
    200: {
      description: "the shopper's place and ticket (the same place when asked again)",
      headers: noStore("a ticket is the shopper's own"),
      content: { "application/json": { schema: queueTicketSchema } },
    },
  },
  errors: ["not_found", "no_waiting_room", "ended", "dependency_unavailable"],
});

/** KV unreachable with nothing known of the sale: its waiting room cannot be known either. */
const UNKNOWN: SaleAtEdge = { kind: "unreadable" };

/** A sale's waiting room (issue 12): joining its queue. Its gate on checkout is waiting-room-gate.ts. */
export const waitingRoom = contractApp().openapi(joinQueue, async (c) => {
  const { sku } = c.req.valid("param");
  const sale = await saleAtEdge(c.env, sku).catch(() => UNKNOWN);
  if (sale === null) throw noSale(sku);
  if (sale.kind === "unreadable")
    throw new AppError("dependency_unavailable", `the configuration of sale "${sku}" cannot be read just now`);
  if (sale.waitingRoom === null)
    throw new AppError("no_waiting_room", `sale "${sku}" has no waiting room: check out without a queue ticket`);
  const now = edgeClock.now();
  if (now >= sale.endsAt) throw new AppError("ended", "the sale has ended", { endedAt: sale.endsAt });
  const ticket = await queueTicket(c, sku, sale, sale.waitingRoom, now);
  c.header("Cache-Control", "no-store");
  const { place, admitAt, expiresAt } = ticket;
  const signed = await signTicket(ticket, c.env.SESSION_SECRET ?? "");
  return c.json({ ticket: signed, place, admitAt, expiresAt, estimateSeconds: secondsUntil(admitAt, now), serverTime: now }, 200);
});

/**
 * The shopper's ticket: their place from the queue in Redis and when it admits. Redis not
 * answering within QUEUE_WAIT_MS, or failing: a ticket of no place that admits now (fail open,
 * logged at most once per 10 s), since a flash sale must not stop because its queue did, and the
 * SKU's object still sells exactly its stock; the rate limits fail open for the same reason.
 */
async function queueTicket(
  c: Context<AppEnv>,
  sku: string,
  sale: Extract<SaleAtEdge, { kind: "sale" }>,
  { admitPerSecond, ticketTtlSeconds }: WaitingRoom,
  now: number,
): Promise<QueueTicket> {
  const shopperId = c.get("shopperId");
  const ticket = (place: number | null, admitAt: number): QueueTicket => ({
    sku,
    saleStartsAt: sale.startsAt,
    shopperId,
    place,
    admitAt,
    expiresAt: admitAt + ticketTtlSeconds * 1000,
  });
  try {
    const queue = new WaitingRoomQueue(openRedis(redisSettings(c.env)));
    const arrival = { sku, startsAt: sale.startsAt, endsAt: sale.endsAt, shopperId, admitPerSecond, ticketTtlSeconds, now };
    const { place, slot } = await withTimeout(queue.join(arrival), QUEUE_WAIT_MS);
    return ticket(place, admissionTime(sale.startsAt, slot, admitPerSecond));
  } catch (error) {
    const why = redactSecrets(error instanceof Error ? error.message : String(error));
    outages.report(`waiting room: no answer from Redis (${why}); shoppers are let through without a place`);
    return ticket(null, now);
  }
}
