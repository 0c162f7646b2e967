import { VersionedCatalog } from "../kv/versioned-catalog.ts";
import { AD_CAMPAIGN_KEY_PREFIX, type AdCampaign, adCampaignHistoryPrefix, adCampaignSchema } from "./campaign.ts";

/**
 * Ad campaigns in Workers KV (issue 18), beside the sales and livestreams (binding SALES):
 * `ad-campaign:<id>`, and every version at `ad-campaign-history:<id>:<version, 10 digits>`
 * (src/kv/versioned-catalog.ts). A malformed value in KV is skipped, never served.
 */
export class AdCampaignCatalog {
  private readonly catalog: VersionedCatalog<AdCampaign>;

  constructor(kv: KVNamespace) {
    this.catalog = new VersionedCatalog(kv, {
      prefix: AD_CAMPAIGN_KEY_PREFIX,
      historyPrefix: adCampaignHistoryPrefix,
      schema: adCampaignSchema,
    });
  }

  find(id: string): Promise<AdCampaign | null> {
    return this.catalog.find(id);
  }

  /** Every campaign, the soonest start first. */
  async list(): Promise<AdCampaign[]> {
    return (await this.catalog.list()).sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id));
  }

  put(campaign: AdCampaign): Promise<void> {
    return this.catalog.put(campaign.id, campaign);
  }

  history(id: string, limit: number): Promise<AdCampaign[]> {
    return this.catalog.history(id, limit);
  }
}
