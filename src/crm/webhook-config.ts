import { z } from "zod";
import { CRM_EVENT_TYPES } from "../membership/crm-events.ts";

/**
 * Where the CRM's webhooks go and which events it wants (issue 16): one versioned KV document,
 * `crm:webhooks` (binding SALES, every version at `crm-history:webhooks:<version>`, each change
 * audited in Postgres), edited in the console's CRM view. No document, no URL or no event
 * chosen: nothing is sent, and the outbox keeps its rows until the CRM is configured.
 */
export const CRM_CONFIG_ID = "webhooks";

/** http:// only to this machine (a local receiver in development); anywhere else https://. */
const endpoint = z
  .string()
  .max(2048)
  .refine((text) => {
    try {
      const url = new URL(text);
      const local = url.hostname === "localhost" || url.hostname === "127.0.0.1" || url.hostname === "[::1]";
      return url.protocol === "https:" || (url.protocol === "http:" && local);
    } catch {
      return false;
    }
  }, "url: an https:// address (http:// only to localhost)");

export const crmWebhookDraftSchema = z.object({
  url: endpoint.nullable().describe("the CRM's endpoint; null: webhooks off"),
  events: z.array(z.enum(CRM_EVENT_TYPES)).max(CRM_EVENT_TYPES.length).describe("the event types to send"),
});

export const crmWebhookConfigSchema = crmWebhookDraftSchema.extend({
  id: z.literal(CRM_CONFIG_ID),
  version: z.number().int().min(1),
  updatedAt: z.number().int(),
  updatedBy: z.string(),
});
export type CrmWebhookConfig = z.infer<typeof crmWebhookConfigSchema>;

/** Version 0: the configuration before anyone saved one (webhooks off). */
export const UNCONFIGURED: CrmWebhookConfig = { id: CRM_CONFIG_ID, version: 0, url: null, events: [], updatedAt: 0, updatedBy: "" };

/** The event types to send, or null when webhooks are off. */
export function deliveryTarget(config: CrmWebhookConfig): { url: string; events: string[] } | null {
  return config.url && config.events.length > 0 ? { url: config.url, events: [...new Set(config.events)] } : null;
}
