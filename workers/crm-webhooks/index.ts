import { deliverWebhooks, keepDeadWebhooks } from "./deliver.ts";
import type { CrmWebhooksEnv } from "./env.ts";

/** The dead-letter queue's name: the consumer reads both queues (wrangler.toml). Not exported: a Worker module exports only its handlers. */
const DEAD_LETTER_QUEUE = "crm-webhooks-dlq";

/**
 * The CRM webhooks consumer Worker (issue 16): the storefront's outbox drain puts the CRM's
 * webhooks on the `crm-webhooks` queue; this Worker POSTs each, signed, retries with backoff,
 * and marks what the dead-letter queue gives back as dead (./deliver.ts).
 */
export default {
  async queue(batch, env) {
    if (batch.queue === DEAD_LETTER_QUEUE) await keepDeadWebhooks(batch, env);
    else await deliverWebhooks(batch, env);
  },
} satisfies ExportedHandler<CrmWebhooksEnv>;
