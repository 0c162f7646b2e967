/**
 * The sizes of events and beacons (issue 13), apart from the model (event.ts) so that the
 * pages' script can know them without bundling zod (whose parsers compile with `new Function`,
 * which the pages' Content-Security-Policy forbids).
 */

/** The longest an event may be, serialized: a bigger one is dropped (`oversized`). */
export const MAX_EVENT_BYTES = 2_048;
/** The most events one beacon may carry. */
export const MAX_EVENTS_PER_BEACON = 50;
/** The biggest beacon body: `navigator.sendBeacon` itself queues at most 64 KiB per page. */
export const MAX_BEACON_BYTES = 64 * 1024;
