import type { Presale, PresaleLine, PresaleState } from "../presale/presale-terms.ts";

/**
 * Where a presale sale stands for a shopper looking at its page (issue 19), by server time:
 * the page's countdown counts to the end of the window it names, and Buy says "Pay deposit"
 * only in `deposit`. Pure, so the sale page's server render and its script agree.
 *
 * - `before_deposit`: nothing to do yet; counts to depositStartsAt.
 * - `deposit`: deposits taken (the only window a presale order can be placed in); counts to depositEndsAt.
 * - `waiting_balance`: deposits closed, balance not open yet (the sale itself may be open for
 *   ordinary buyers from startsAt); counts to balanceStartsAt.
 * - `balance`: deposit payers pay the rest; counts to balanceEndsAt.
 * - `closed`: the balance window is over: unpaid deposits were forfeited.
 */
export type PresaleWindow = "before_deposit" | "deposit" | "waiting_balance" | "balance" | "closed";

export interface PresaleWindowAt {
  window: PresaleWindow;
  /** When this window ends (what the countdown counts to); null once closed. */
  until: number | null;
}

export function presaleWindowAt(presale: Presale, now: number): PresaleWindowAt {
  if (now < presale.depositStartsAt) return { window: "before_deposit", until: presale.depositStartsAt };
  if (now < presale.depositEndsAt) return { window: "deposit", until: presale.depositEndsAt };
  if (now < presale.balanceStartsAt) return { window: "waiting_balance", until: presale.balanceStartsAt };
  if (now < presale.balanceEndsAt) return { window: "balance", until: presale.balanceEndsAt };
  return { window: "closed", until: null };
}

/** The balance of one unit at `unitPrice` (the price by rank the shopper would get): never below zero. */
export function balancePerUnit(presale: Presale, unitPrice: number): number {
  return Math.max(0, unitPrice - presale.depositWorthPerUnit);
}

/** A presale order as the shopper's order API answers it: its line, where it stands, and its hold. */
export type PresaleOrderView = PresaleLine & { state: PresaleState };

/**
 * The next thing a presale order's shopper must do, and by when: what the order page and the
 * /me list show and count down to. Null when nothing is left to do (paid, forfeited, cancelled, expired).
 */
export type PresaleDeadline =
  | { kind: "pay_deposit_by"; at: number }
  | { kind: "balance_opens"; at: number }
  | { kind: "pay_balance_by"; at: number };

export function nextPresaleDeadline(presale: PresaleOrderView, expiresAt: number | null, now: number): PresaleDeadline | null {
  switch (presale.state) {
    case "deposit_pending":
      return expiresAt === null ? null : { kind: "pay_deposit_by", at: expiresAt };
    case "deposit_paid":
    case "balance_due":
      // Told apart by the clock, as the server does: the state may be a moment old.
      return now < presale.balanceOpensAt
        ? { kind: "balance_opens", at: presale.balanceOpensAt }
        : { kind: "pay_balance_by", at: presale.balanceClosesAt };
    default:
      return null;
  }
}

/**
 * The order page's pay button for a presale order: which payment it makes and whether it can
 * be pressed now. Before the balance window it is shown, disabled, with the opening time (the
 * server would answer 409 `balance_not_open`); after the window, there is none.
 */
export type PresalePayButton =
  | { payment: "deposit"; amount: number; enabled: true }
  | { payment: "balance"; amount: number; enabled: boolean; opensAt: number }
  | null;

export function presalePayButton(presale: PresaleOrderView, now: number): PresalePayButton {
  if (presale.state === "deposit_pending") return { payment: "deposit", amount: presale.deposit, enabled: true };
  if (presale.state !== "deposit_paid" && presale.state !== "balance_due") return null;
  if (now >= presale.balanceClosesAt) return null;
  return { payment: "balance", amount: presale.balance, enabled: now >= presale.balanceOpensAt, opensAt: presale.balanceOpensAt };
}

/** One of the shopper's presale orders as `GET /api/me/presale-orders` lists it (the /me page's list). */
export interface PresaleOrderSummary {
  id: string;
  sku: string;
  qty: number;
  totalAmount: number;
  status: string;
  expiresAt: number | null;
  presale: PresaleOrderView;
}
