import { AppError } from "../errors.ts";
import { LocalPaymentProvider } from "./local-provider.ts";
import type { PaymentProvider } from "./provider.ts";

/** The provider named by PAYMENT_PROVIDER; an unknown name fails loudly rather than charging nobody. */
export function paymentProvider(name: string): PaymentProvider {
  if (name === "local") return new LocalPaymentProvider();
  throw new AppError("dependency_unavailable", `payment provider "${name}" is not available`);
}

export type { PaymentProvider } from "./provider.ts";
export { LOCAL_PAYMENT_METHODS } from "./local-provider.ts";
