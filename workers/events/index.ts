import { consumeEvents, keepDeadLetters } from "./consume.ts";
import type { EventsEnv } from "./env.ts";

/** The dead-letter queue's name: the consumer reads both queues (wrangler.toml). Not exported: a Worker module exports only its handlers. */
const DEAD_LETTER_QUEUE = "shopper-events-dlq";

/**
 * The shopper-events consumer Worker (issue 13): the storefront's beacons and server events
 * arrive in batches from Cloudflare Queues and go to Postgres `events`; what fails every retry
 * arrives from the dead-letter queue and is kept in `event_dead_letters`.
 */
export default {
  async queue(batch, env) {
    if (batch.queue === DEAD_LETTER_QUEUE) await keepDeadLetters(batch, env);
    else await consumeEvents(batch, env);
  },
} satisfies ExportedHandler<EventsEnv>;
