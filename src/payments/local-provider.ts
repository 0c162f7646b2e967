import { AppError } from "../errors.ts";
import type { ChargeOutcome, ChargeRequest, PartialRefund, PaymentProvider } from "./provider.ts";

/** Payment methods the local provider understands; anything else is declined as unknown. */
export const LOCAL_PAYMENT_METHODS = {
  /** Always succeeds. The default. */
  approve: "pm_local_approve",
  /** Always declines, as a card with no funds would. */
  decline: "pm_local_decline",
  /** Fails as if the provider were down: an error, not a decline. */
  unavailable: "pm_local_unavailable",
} as const;

/**
 * A provider for development and tests that can be told to fail through the payment
 * method. Charges are deterministic per order, so a retried charge is the same charge.
 */
export class LocalPaymentProvider implements PaymentProvider {
  readonly name = "local";

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    switch (request.paymentMethod) {
      case LOCAL_PAYMENT_METHODS.approve:
        return { ok: true, reference: `pay_local_${request.orderId}` };
      case LOCAL_PAYMENT_METHODS.decline:
        return { ok: false, reason: "the payment was declined" };
      case LOCAL_PAYMENT_METHODS.unavailable:
        throw new Error("local payment provider unavailable (as requested)");
      default:
        throw new AppError("invalid_request", `unknown payment method "${request.paymentMethod}"`, {
          paymentMethods: Object.values(LOCAL_PAYMENT_METHODS),
        });
    }
  }

  async refund(reference: string, reason: string, part?: PartialRefund): Promise<void> {
    const what = part ? `${part.amount} fen of ${reference} (${part.idempotencyKey})` : reference;
    console.log(`local payment provider: refunded ${what} (${reason})`);
  }
}
