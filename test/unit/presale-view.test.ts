import { describe, expect, it } from "vitest";
import type { Presale } from "../../src/presale/presale-terms.ts";
import { countdownText, deadlineText } from "../../src/presale-view/countdown-text.ts";
import {
  balancePerUnit,
  nextPresaleDeadline,
  type PresaleOrderView,
  presalePayButton,
  presaleWindowAt,
} from "../../src/presale-view/presale-timeline.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 1, 12); // 1 Nov 2026, 20:00 in Shanghai

const presale: Presale = {
  depositPerUnit: 5_000,
  depositWorthPerUnit: 15_000,
  depositStartsAt: T0,
  depositEndsAt: T0 + 5 * DAY,
  balanceStartsAt: T0 + 10 * DAY,
  balanceEndsAt: T0 + 11 * DAY,
  forfeit: "keep",
};

function order(state: PresaleOrderView["state"]): PresaleOrderView {
  return {
    deposit: 10_000,
    depositWorth: 30_000,
    balance: 170_000,
    balanceOpensAt: presale.balanceStartsAt,
    balanceClosesAt: presale.balanceEndsAt,
    forfeit: "keep",
    depositPaidAt: state === "deposit_pending" ? null : T0 + HOUR,
    depositRef: state === "deposit_pending" ? null : "pay_1",
    balancePaidAt: state === "paid" ? presale.balanceStartsAt + HOUR : null,
    state,
  };
}

describe("presaleWindowAt", () => {
  it("names each window at its exact edges and counts to the window's end", () => {
    expect(presaleWindowAt(presale, T0 - 1)).toEqual({ window: "before_deposit", until: T0 });
    expect(presaleWindowAt(presale, T0)).toEqual({ window: "deposit", until: presale.depositEndsAt });
    expect(presaleWindowAt(presale, presale.depositEndsAt - 1).window).toBe("deposit");
    expect(presaleWindowAt(presale, presale.depositEndsAt)).toEqual({ window: "waiting_balance", until: presale.balanceStartsAt });
    expect(presaleWindowAt(presale, presale.balanceStartsAt)).toEqual({ window: "balance", until: presale.balanceEndsAt });
    expect(presaleWindowAt(presale, presale.balanceEndsAt - 1).window).toBe("balance");
    expect(presaleWindowAt(presale, presale.balanceEndsAt)).toEqual({ window: "closed", until: null });
  });
});

describe("balancePerUnit", () => {
  it("takes the deposit's worth (¥150 for a ¥50 deposit) off the unit price, never below zero", () => {
    expect(balancePerUnit(presale, 99_900)).toBe(84_900);
    expect(balancePerUnit(presale, 10_000)).toBe(0);
  });
});

describe("nextPresaleDeadline", () => {
  it("is the hold's expiry while the deposit is unpaid", () => {
    expect(nextPresaleDeadline(order("deposit_pending"), T0 + 900_000, T0)).toEqual({ kind: "pay_deposit_by", at: T0 + 900_000 });
  });
  it("is the balance's opening, then its close, by the clock", () => {
    expect(nextPresaleDeadline(order("deposit_paid"), null, presale.balanceStartsAt - 1)).toEqual({
      kind: "balance_opens",
      at: presale.balanceStartsAt,
    });
    // A state read a moment before the window opened still counts to its close.
    expect(nextPresaleDeadline(order("deposit_paid"), null, presale.balanceStartsAt)).toEqual({
      kind: "pay_balance_by",
      at: presale.balanceEndsAt,
    });
    expect(nextPresaleDeadline(order("balance_due"), null, presale.balanceStartsAt + HOUR)?.kind).toBe("pay_balance_by");
  });
  it("is nothing once paid, forfeited, cancelled or expired", () => {
    for (const state of ["paid", "forfeited", "cancelled", "expired"] as const) {
      expect(nextPresaleDeadline(order(state), T0, T0)).toBeNull();
    }
  });
});

describe("presalePayButton", () => {
  it("pays the deposit while it is pending", () => {
    expect(presalePayButton(order("deposit_pending"), T0)).toEqual({ payment: "deposit", amount: 10_000, enabled: true });
  });
  it("shows the balance disabled with its opening before the window, enabled in it, and none after it", () => {
    expect(presalePayButton(order("deposit_paid"), presale.balanceStartsAt - 1)).toEqual({
      payment: "balance",
      amount: 170_000,
      enabled: false,
      opensAt: presale.balanceStartsAt,
    });
    expect(presalePayButton(order("balance_due"), presale.balanceStartsAt)?.enabled).toBe(true);
    expect(presalePayButton(order("balance_due"), presale.balanceEndsAt)).toBeNull();
  });
  it("has nothing to pay on a finished order", () => {
    expect(presalePayButton(order("paid"), presale.balanceStartsAt + HOUR)).toBeNull();
    expect(presalePayButton(order("forfeited"), presale.balanceEndsAt)).toBeNull();
  });
});

describe("countdownText", () => {
  it("shows days then hh:mm:ss in each language", () => {
    expect(countdownText(2 * DAY + 3 * HOUR + 4 * 60_000 + 5_000, "zh-CN")).toBe("2天 03:04:05");
    expect(countdownText(2 * DAY + 3 * HOUR + 4 * 60_000 + 5_000, "en")).toBe("2d 03:04:05");
    expect(countdownText(HOUR - 1_000, "en")).toBe("00:59:59");
  });
  it("rounds up to the second, so zero shows only at the instant, and never goes negative", () => {
    expect(countdownText(1, "en")).toBe("00:00:01");
    expect(countdownText(DAY - 1, "en")).toBe("1d 00:00:00");
    expect(countdownText(0, "en")).toBe("00:00:00");
    expect(countdownText(-5_000, "zh-CN")).toBe("00:00:00");
  });
});

describe("deadlineText", () => {
  it("reads in the shop's time zone (Asia/Shanghai)", () => {
    expect(deadlineText(T0, "en")).toBe("1 Nov, 20:00");
    expect(deadlineText(T0, "zh-CN")).toBe("11月1日 20:00");
  });
});

describe("orderLink (the balance reminder's link)", () => {
  it("fills {order} with the enrolment's order, leaves other links alone, and falls back to the inbox without an order", async () => {
    const { orderLink } = await import("../../src/sequences/template.ts");
    expect(orderLink("/orders/{order}", "ord_sku-1_abc")).toBe("/orders/ord_sku-1_abc");
    expect(orderLink("/me", "ord_sku-1_abc")).toBe("/me");
    expect(orderLink("/orders/{order}", undefined)).toBeNull();
    expect(orderLink(null, "ord_sku-1_abc")).toBeNull();
  });
});
