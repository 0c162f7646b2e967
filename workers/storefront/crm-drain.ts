import { databaseSettings } from "../../src/config.ts";
import { drainCrmOutbox } from "../../src/crm/crm-outbox.ts";
import { CrmConfigCatalog } from "../../src/crm/crm-config-catalog.ts";
import { deliveryTarget } from "../../src/crm/webhook-config.ts";
import { withDatabase } from "../../src/db/client.ts";
import type { ScheduledJob } from "./scheduled-job.ts";

/**
 * The CRM outbox's drain (issue 16), every minute: when the console's CRM configuration names
 * an endpoint and events, the waiting webhooks of those events go onto the `CRM_WEBHOOKS` queue
 * (src/crm/crm-outbox.ts: sent, then marked; never marked unsent). Off: nothing read at all.
 * The queue or Postgres failing throws, which runScheduledJobs logs; the rows wait for the next minute.
 */
export const crmOutboxDrain: ScheduledJob = {
  name: "crm-outbox-drain",
  async run(env, at) {
    const target = deliveryTarget(await new CrmConfigCatalog(env.SALES).current());
    if (!target) return;
    const sent = await withDatabase(databaseSettings(env), (db) => drainCrmOutbox(db, env.CRM_WEBHOOKS, target, at));
    if (sent > 0) console.log(`crm-outbox-drain: ${sent} webhooks queued`);
  },
};
