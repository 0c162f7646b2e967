import { consumeEvents, keepDeadLetters } from "./consume.ts";
import type { EventsEnv } from "./env.ts";
import { recordViewWindows } from "./view-windows.ts";

/** The dead-letter queue's name: the consumer reads both queues (wrangler.toml). Not exported: a Worker module exports only its handlers. */
const DEAD_LETTER_QUEUE = "shopper-events-dlq";

/**
 * The shopper-events consumer Worker (issue 13): the storefront's beacons and server events
 * arrive in batches from Cloudflare Queues and go to Postgres `events`, then their product views
 * to the shoppers' 30-minute windows in Upstash Redis (best-effort: Postgres first, always); what
 * fails every retry arrives from the dead-letter queue and is kept in `event_dead_letters`.
 */
export default {
  async queue(batch, env) {
    if (batch.queue === DEAD_LETTER_QUEUE) await keepDeadLetters(batch, env);
    else {
      const now = Date.now();
      await recordViewWindows(await consumeEvents(batch, env, now), env, now);
    }
  },
} satisfies ExportedHandler<EventsEnv>;
