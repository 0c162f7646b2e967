import { VersionedCatalog } from "../kv/versioned-catalog.ts";
import {
  isRunning,
  TEAM_CAMPAIGN_ID,
  TEAM_CAMPAIGN_KEY_PREFIX,
  type TeamCampaign,
  teamCampaignHistoryPrefix,
  teamCampaignSchema,
} from "./team-campaign.ts";

/**
 * Team campaigns in Workers KV (issue 14), beside the sales and coupons (binding SALES):
 * `team-campaign:<id>`, every version at `team-campaign-history:<id>:<version, 10 digits>`
 * (src/kv/versioned-catalog.ts).
 */
export class TeamCampaignCatalog {
  private readonly catalog: VersionedCatalog<TeamCampaign>;

  constructor(kv: KVNamespace) {
    this.catalog = new VersionedCatalog(kv, {
      prefix: TEAM_CAMPAIGN_KEY_PREFIX,
      historyPrefix: teamCampaignHistoryPrefix,
      schema: teamCampaignSchema,
    });
  }

  /** The campaign, or null (also for an id no campaign could have: KV is not asked). */
  find(id: string): Promise<TeamCampaign | null> {
    return TEAM_CAMPAIGN_ID.test(id) ? this.catalog.find(id) : Promise.resolve(null);
  }

  /** Every campaign, the soonest first. */
  async list(): Promise<TeamCampaign[]> {
    return (await this.catalog.list()).sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id));
  }

  /** The campaigns that take new teams now. */
  async running(now: number): Promise<TeamCampaign[]> {
    return (await this.list()).filter((campaign) => isRunning(campaign, now));
  }

  put(campaign: TeamCampaign): Promise<void> {
    return this.catalog.put(campaign.id, campaign);
  }

  history(id: string, limit: number): Promise<TeamCampaign[]> {
    return this.catalog.history(id, limit);
  }
}
