/**
 * What may start or end a follow-up sequence (issue 17). Each is a row of `sequence_triggers`,
 * written in the same transaction as the change it tells of.
 */
export const TRIGGER_KINDS = ["order_paid", "checkout_abandoned", "team_failed", "segment_entered"] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/**
 * The shopper events that raise a trigger, and which. An order cancelled or expired was never
 * paid (a paid order is refunded, not cancelled), so both are a checkout abandoned. The
 * event store writes the trigger beside the event, only when the event is new.
 */
export const TRIGGER_OF_EVENT: Readonly<Record<string, TriggerKind>> = {
  order_paid: "order_paid",
  order_cancelled: "checkout_abandoned",
  order_expired: "checkout_abandoned",
  team_failed: "team_failed",
};

/** A trigger's id: its kind and the id of what raised it, so each is written once. */
export const triggerId = (kind: TriggerKind, sourceId: string) => `${kind}:${sourceId}`;
