import { z } from "zod";

/**
 * One webhook on the `crm-webhooks` queue (issue 16), as the outbox drain sends it and the
 * consumer (workers/crm-webhooks/) delivers it: the event's id (`webhook-id`, the outbox row's
 * key), its type, the endpoint configured when it was drained, and the Standard Webhooks
 * payload (`{ type, timestamp, data }`) exactly as the outbox holds it.
 */
export const crmWebhookMessageSchema = z.object({
  v: z.literal(1),
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  url: z.string().url(),
  payload: z.record(z.string(), z.unknown()),
});
export type CrmWebhookMessage = z.infer<typeof crmWebhookMessageSchema>;
