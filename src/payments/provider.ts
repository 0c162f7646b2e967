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
  /** Gives the money back for a charge whose order could not be confirmed after all. */
  refund(reference: string, reason: string): Promise<void>;
}
