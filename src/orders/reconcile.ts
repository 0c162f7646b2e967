import type { OrderStatus } from "./order.ts";

export const ORDER_STATUSES: readonly OrderStatus[] = ["pending_payment", "paid", "cancelled", "expired"];

/** One SKU's units by status as its object counts them and as Postgres records them. */
export interface SkuReconciliation {
  sku: string;
  object: Record<OrderStatus, number>;
  postgres: Record<OrderStatus, number>;
  /** Changes not yet written to Postgres: a difference is expected while this is above 0. */
  outboxPending: number;
  differences: Array<{ status: OrderStatus; object: number; postgres: number }>;
  /** True when nothing differs, or everything that differs is still in the outbox. */
  consistent: boolean;
}

/** Compares a SKU object's counts with Postgres, status by status. */
export function reconcile(
  sku: string,
  object: Record<OrderStatus, number>,
  postgres: Record<OrderStatus, number>,
  outboxPending: number,
): SkuReconciliation {
  const differences = ORDER_STATUSES.filter((status) => object[status] !== postgres[status]).map((status) => ({
    status,
    object: object[status],
    postgres: postgres[status],
  }));
  return { sku, object, postgres, outboxPending, differences, consistent: differences.length === 0 || outboxPending > 0 };
}
