import type { CrmApiKeyRecord } from "../../../src/crm/api-key-store.ts";
import type { DeliveryRow, DeliveryStatus } from "../../../src/crm/crm-outbox.ts";
import type { CrmWebhookConfig } from "../../../src/crm/webhook-config.ts";

/** What /admin/api/crm answers (workers/storefront/admin/crm.ts), from the domain's own types. */
export interface CrmWebhooks {
  config: CrmWebhookConfig;
  eventTypes: string[];
}
export interface CrmDeliveries {
  counts: Record<DeliveryStatus, number>;
  deliveries: DeliveryRow[];
}
export interface CrmKeys {
  keys: CrmApiKeyRecord[];
}
export interface CrmKeyCreated {
  key: CrmApiKeyRecord;
  secret: string;
}
export type { DeliveryStatus };
