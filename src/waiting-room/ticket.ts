import { sign, verify } from "../signing.ts";

/**
 * A waiting room's queue ticket (issue 12): which sale and which shopper it is for, the shopper's
 * place, when it admits and until when. HMAC-signed through src/signing.ts, so none of it can be
 * changed (a later place made earlier, another sale or shopper) without the signature failing.
 *
 * Signed with SESSION_SECRET, the secret of the shopper's cookie it is bound to, under a context
 * label of its own: a ticket never reads as a session cookie nor a cookie as a ticket, and
 * rotating the secret, which gives every shopper a new id, also voids tickets that would name
 * the old ids. A second secret would add a knob and protect nothing more.
 */
export interface QueueTicket {
  sku: string;
  /** The sale's `startsAt` when the ticket was issued: a sale moved to another opening has a new queue. */
  saleStartsAt: number;
  /** The shopper of the session it was issued to: another shopper presenting it is refused. */
  shopperId: string;
  /** 1-based, in order of arrival; null when Redis could not be reached and the shopper was let through (fail open). */
  place: number | null;
  /** Epoch ms from which it admits to checkout. */
  admitAt: number;
  /** Epoch ms from which it no longer does: the shopper joins again, at the back. */
  expiresAt: number;
}

/** The HTTP header a checkout carries its ticket in. */
export const QUEUE_TICKET_HEADER = "X-Queue-Ticket";
/** Longer than any ticket this shop signs: a longer header is refused unread. */
export const MAX_TICKET_LENGTH = 400;

const CONTEXT = "fs-queue-ticket.v1";
const SKU = "[a-z0-9][a-z0-9-]{1,62}";
const SHOPPER = "shp_[0-9a-z]{20,32}";
const MS = "[0-9]{1,15}";
const TICKET = new RegExp(`^${CONTEXT}:(${SKU}):(${MS}):(${SHOPPER}):([0-9]{1,15}|-):(${MS}):(${MS})$`);

/** The signed ticket, as the shopper carries it. */
export function signTicket(ticket: QueueTicket, secret: string): Promise<string> {
  const { sku, saleStartsAt, shopperId, place, admitAt, expiresAt } = ticket;
  return sign(`${CONTEXT}:${sku}:${saleStartsAt}:${shopperId}:${place ?? "-"}:${admitAt}:${expiresAt}`, secret);
}

/** The ticket a signed one carries, or null when it is not one this shop signed (forged, altered, truncated). */
export async function readTicket(signed: string, secret: string): Promise<QueueTicket | null> {
  if (signed.length > MAX_TICKET_LENGTH) return null;
  const value = await verify(signed, secret);
  const match = value === null ? null : TICKET.exec(value);
  if (!match) return null;
  return {
    sku: match[1]!,
    saleStartsAt: Number(match[2]),
    shopperId: match[3]!,
    place: match[4] === "-" ? null : Number(match[4]),
    admitAt: Number(match[5]),
    expiresAt: Number(match[6]),
  };
}

/** Why a ticket does not admit to this checkout (the `reason` of 403 `queue_ticket_invalid`). */
export type TicketRefusal = "missing" | "forged" | "other_sale" | "other_shopper" | "expired";

/** What a presented ticket means for one checkout. */
export type TicketVerdict =
  | { kind: "admitted"; ticket: QueueTicket }
  | { kind: "waiting"; ticket: QueueTicket }
  | { kind: "refused"; reason: TicketRefusal };

/** The checkout a ticket is judged for: the sale as configured now, the request's shopper, the server's clock. */
export interface Checkout {
  sku: string;
  saleStartsAt: number;
  shopperId: string;
  now: number;
}

/**
 * Judges the ticket a checkout presents: it must be signed here, for this SKU and this opening,
 * for this shopper, not expired; then it admits from its `admitAt` on, and before that the
 * shopper waits. Expiry is checked before the wait, so a ticket never admits after it ends.
 */
export async function judgeTicket(presented: string | undefined, checkout: Checkout, secret: string): Promise<TicketVerdict> {
  if (!presented) return { kind: "refused", reason: "missing" };
  const ticket = await readTicket(presented, secret);
  if (!ticket) return { kind: "refused", reason: "forged" };
  if (ticket.sku !== checkout.sku || ticket.saleStartsAt !== checkout.saleStartsAt) return { kind: "refused", reason: "other_sale" };
  if (ticket.shopperId !== checkout.shopperId) return { kind: "refused", reason: "other_shopper" };
  if (checkout.now >= ticket.expiresAt) return { kind: "refused", reason: "expired" };
  return checkout.now >= ticket.admitAt ? { kind: "admitted", ticket } : { kind: "waiting", ticket };
}
