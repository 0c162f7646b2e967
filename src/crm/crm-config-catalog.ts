import { VersionedCatalog } from "../kv/versioned-catalog.ts";
import { CRM_CONFIG_ID, type CrmWebhookConfig, crmWebhookConfigSchema, UNCONFIGURED } from "./webhook-config.ts";

/** The CRM's webhook configuration in KV, versioned like the coupon templates. */
export class CrmConfigCatalog {
  private readonly catalog: VersionedCatalog<CrmWebhookConfig>;

  constructor(kv: KVNamespace) {
    this.catalog = new VersionedCatalog(kv, {
      prefix: "crm:",
      historyPrefix: (id) => `crm-history:${id}:`,
      schema: crmWebhookConfigSchema,
    });
  }

  async current(): Promise<CrmWebhookConfig> {
    return (await this.catalog.find(CRM_CONFIG_ID)) ?? UNCONFIGURED;
  }

  find(id: string): Promise<CrmWebhookConfig | null> {
    return this.catalog.find(id);
  }

  put(config: CrmWebhookConfig): Promise<void> {
    return this.catalog.put(config.id, config);
  }

  history(id: string, limit: number): Promise<CrmWebhookConfig[]> {
    return this.catalog.history(id, limit);
  }
}
