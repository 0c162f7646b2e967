import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { describeDatabaseFailure } from "../../src/db/errors.ts";
import { eventDeadLetters } from "../../src/db/schema.ts";
import { countDrops, insertEvents } from "../../src/events/event-store.ts";
import type { ShopperEvent } from "../../src/events/event.ts";
import { recordExposures } from "../../src/experiments/exposure-store.ts";
import { readEventMessage } from "../../src/events/read-message.ts";
import { addDrops, type DropCounts } from "../../src/events/screening.ts";
import { writeParkingRefused } from "../../src/orders/outbox-writer.ts";
import { redactSecrets } from "../../src/redact.ts";
import { creditOrders } from "../../src/share/share-store.ts";
import type { EventsEnv } from "./env.ts";

/** How long the queue waits before it delivers a batch again when Postgres could not be reached. */
export const OUTAGE_RETRY_SECONDS = 10;

interface Readable {
  message: Message<unknown>;
  events: ShopperEvent[];
  dropped: DropCounts;
}

/**
 * One batch of the `shopper-events` queue into Postgres, in one transaction: the events (each
 * id once), the experiments' first exposures, the paid orders' attribution to the share link
 * that brought them (src/share/share-store.ts `creditOrders`) and the drop counts.
 * - A poison message (not an envelope at all) is retried; after the consumer's `max_retries`
 *   the queue moves it to the dead-letter queue (keepDeadLetters).
 * - When Postgres refuses the batch for its data, the batch is split until each refused
 *   message stands alone: the others are written and acknowledged, the refused ones retried
 *   (and so dead-lettered in the end). One bad message never holds back the rest.
 * - When Postgres cannot be reached, the whole batch is delivered again later: an outage
 *   never turns good events into dead letters.
 * Returns what it wrote, for the caller's next steps (the real-time profiles).
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: EventsEnv, now: number = Date.now()): Promise<ShopperEvent[]> {
  const readable: Readable[] = [];
  for (const message of batch.messages) {
    const reading = readEventMessage(message.body, now);
    if ("poison" in reading) {
      console.error(`shopper-events: message ${message.id} is not an event message (${reading.poison}); retrying, then dead-lettering`);
      message.retry();
    } else readable.push({ message, ...reading });
  }
  if (readable.length === 0) return [];
  try {
    const refused = await withDatabase(databaseSettings(env), (db) =>
      writeParkingRefused(readable, (part) =>
        db.transaction(async (tx) => {
          const events = part.flatMap((r) => r.events);
          await insertEvents(tx, events, now);
          // Experiments (issue 13): each shopper's first exposure, beside the events that report it.
          await recordExposures(tx, events);
          // Share links (issue 14): each paid order credited to its last touch, an `order` edge, beside the events.
          await creditOrders(tx, events);
          await countDrops(tx, part.map((r) => r.dropped).reduce(addDrops, {}), now);
        }),
      ),
    );
    const refusedIds = new Set(
      refused.map(({ event, failure }) => {
        console.error(`shopper-events: Postgres refused message ${event.message.id} (${failure.summary}); retrying, then dead-lettering`);
        return event.message.id;
      }),
    );
    for (const { message } of readable) {
      if (refusedIds.has(message.id)) message.retry();
      else message.ack();
    }
    return readable.filter(({ message }) => !refusedIds.has(message.id)).flatMap((r) => r.events);
  } catch (error) {
    const failure = describeDatabaseFailure(error);
    console.error(`shopper-events: Postgres unavailable (${failure.summary}); the batch comes back in ${OUTAGE_RETRY_SECONDS} s`);
    for (const { message } of readable) message.retry({ delaySeconds: OUTAGE_RETRY_SECONDS });
    return [];
  }
}

/** Keeps what the dead-letter queue delivers in Postgres `event_dead_letters`, to be looked at. */
export async function keepDeadLetters(batch: MessageBatch<unknown>, env: EventsEnv, now: number = Date.now()): Promise<void> {
  try {
    await withDatabase(databaseSettings(env), (db) =>
      db
        .insert(eventDeadLetters)
        .values(batch.messages.map((message) => ({ messageId: message.id, receivedAt: new Date(now), body: asJson(message.body) }))),
    );
    batch.ackAll();
  } catch (error) {
    console.error(
      `shopper-events-dlq: could not keep ${batch.messages.length} dead letters (${redactSecrets((error as Error).message)}); retrying`,
    );
    batch.retryAll({ delaySeconds: OUTAGE_RETRY_SECONDS });
  }
}

/** A body as JSON Postgres can keep: a message sent as bytes or text is kept as a description. */
function asJson(body: unknown): unknown {
  try {
    const json = JSON.stringify(body);
    if (json !== undefined) return JSON.parse(json);
  } catch {
    // not JSON: described below
  }
  return { unreadable: Object.prototype.toString.call(body) };
}
