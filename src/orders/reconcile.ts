import { ORDER_STATUSES, type OrderStatus } from "./order.ts";

export { ORDER_STATUSES };

/** One SKU's units by status as its object counts them and as Postgres records them. */
export interface SkuReconciliation {
  sku: string;
  object: Record<OrderStatus, number>;
  postgres: Record<OrderStatus, number>;
  /** Changes not yet written to Postgres: the outbox could not be drained just now. */
  outboxPending: number;
  /** Changes Postgres refused for their data, parked in the object until an operator retries them. */
  deadLettered: number;
  differences: Array<{ status: OrderStatus; object: number; postgres: number }>;
  /**
   * True only when Postgres holds exactly what the object counts and nothing is still on its
   * way or parked. A pending outbox is not "consistent" however likely it is to catch up: a
   * stuck outbox once passed as consistent here while no order reached Postgres.
   */
  consistent: boolean;
}

/** Compares a SKU object's counts with Postgres, status by status. */
export function reconcile(
  sku: string,
  object: Record<OrderStatus, number>,
  postgres: Record<OrderStatus, number>,
  outbox: { pending: number; deadLettered: number },
): SkuReconciliation {
  const differences = ORDER_STATUSES.filter((status) => object[status] !== postgres[status]).map((status) => ({
    status,
    object: object[status],
    postgres: postgres[status],
  }));
  return {
    sku,
    object,
    postgres,
    outboxPending: outbox.pending,
    deadLettered: outbox.deadLettered,
    differences,
    consistent: differences.length === 0 && outbox.pending === 0 && outbox.deadLettered === 0,
  };
}
