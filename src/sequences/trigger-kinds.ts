/**
 * What may start or end a follow-up sequence (issue 17). Each is a row of `sequence_triggers`,
 * written in the same transaction as the change it tells of. `balance_window_opened` and
 * `balance_window_closing` (issue 19) are raised by a scan instead (./presale-balance-scan.ts):
 * nothing happens to an order when its presale's balance window opens or nears its close, the
 * clock moves on.
 */
export const TRIGGER_KINDS = [
  "order_paid",
  "checkout_abandoned",
  "team_failed",
  "segment_entered",
  "balance_window_opened",
  "balance_window_closing",
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** The presale's balance reminders: the triggers whose payload carries `balanceClosesAt`, for `{deadline}`. */
export const PRESALE_BALANCE_TRIGGERS = ["balance_window_opened", "balance_window_closing"] as const satisfies readonly TriggerKind[];

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
