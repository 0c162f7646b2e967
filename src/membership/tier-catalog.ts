import { VersionedCatalog } from "../kv/versioned-catalog.ts";
import { NO_TIERS, TIER_CONFIG_ID, TIER_CONFIG_PREFIX, type TierConfig, tierConfigHistoryPrefix, tierConfigSchema } from "./tier-config.ts";

/**
 * The member-tier document in Workers KV (binding SALES): `membership:tiers`, every version at
 * `membership-history:tiers:<version, 10 digits>` (src/kv/versioned-catalog.ts).
 */
export class TierCatalog {
  private readonly catalog: VersionedCatalog<TierConfig>;

  constructor(kv: KVNamespace) {
    this.catalog = new VersionedCatalog(kv, {
      prefix: TIER_CONFIG_PREFIX,
      historyPrefix: tierConfigHistoryPrefix,
      schema: tierConfigSchema,
    });
  }

  /** The stored document (id "tiers"), or null when none is stored. */
  find(id: string = TIER_CONFIG_ID): Promise<TierConfig | null> {
    return this.catalog.find(id);
  }

  /** The document in force: the stored one, or no tiers at all. */
  async current(): Promise<TierConfig> {
    return (await this.find()) ?? NO_TIERS;
  }

  put(config: TierConfig): Promise<void> {
    return this.catalog.put(config.id, config);
  }

  history(id: string, limit: number): Promise<TierConfig[]> {
    return this.catalog.history(id, limit);
  }
}
