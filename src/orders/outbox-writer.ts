import { describeDatabaseFailure, isRefusedForData, type DatabaseFailure } from "../db/errors.ts";
import type { OrderEvent } from "./order.ts";

/** Something Postgres refused for its data, set aside so what is behind it can land. */
export interface Refused<T> {
  event: T;
  failure: DatabaseFailure;
}

/** An outbox event Postgres refused for its data. */
export type ParkedEvent = Refused<OrderEvent>;

/**
 * Writes a batch of outbox events; when Postgres refuses the batch for its data (see
 * isRefusedForData), splits it in halves until each refused event stands alone, writes
 * the rest, and returns the refused ones to be parked. One bad row used to fail its batch
 * forever and hold back every order behind it, also across restarts.
 *
 * Any other failure (Postgres unreachable, a timeout) rejects: nothing is parked and the
 * caller retries the batch later, so an outage never turns good orders into dead letters.
 * Writes are idempotent (see writeOrderEvents), so halves written before a rejection may
 * be written again on the retry.
 */
export async function writeParkingRefused<T>(events: readonly T[], write: (events: T[]) => Promise<void>): Promise<Refused<T>[]> {
  if (events.length === 0) return [];
  try {
    await write([...events]);
    return [];
  } catch (error) {
    const failure = describeDatabaseFailure(error);
    if (!isRefusedForData(failure)) throw error;
    if (events.length === 1) return [{ event: events[0]!, failure }];
    const middle = Math.ceil(events.length / 2);
    const first = await writeParkingRefused(events.slice(0, middle), write);
    const second = await writeParkingRefused(events.slice(middle), write);
    return [...first, ...second];
  }
}
