/**
 * The payment step of Confirm, behind one interface so a real provider (Alipay, WeChat Pay,
 * a card processor) drops in without touching checkout. Every call carries the order id
 * as its idempotency key: asking twice charges once.
 */
export interface ChargeRequest {
  orderId: string;
  amount: number;
  currency: "CNY";
  /** What the shopper chose to pay with; each provider defines its own values. */
  paymentMethod: string;
}

export type ChargeOutcome = { ok: true; reference: string } | { ok: false; reason: string };

export interface PaymentProvider {
  readonly name: string;
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  /**
   * Gives money back for a charge: all of it when its order could not be confirmed after all,
   * or `part.amount` fen of it (a return, a price-protection credit), once per
   * `part.idempotencyKey` however often asked.
   */
  refund(reference: string, reason: string, part?: PartialRefund): Promise<void>;
}

/** A refund of part of a charge (issue 16). */
export interface PartialRefund {
  amount: number;
  idempotencyKey: string;
}
