/** The days of a store's week, Monday first (ISO 8601), in a module of its own: the console's script reads it without zod. */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
