import { VersionedCatalog } from "../kv/versioned-catalog.ts";
import { LIVESTREAM_KEY_PREFIX, type Livestream, livestreamHistoryPrefix, livestreamSchema } from "./livestream.ts";

/**
 * Livestreams in Workers KV (issue 15), beside the sales and coupon templates (binding SALES):
 * `livestream:<id>`, and every version at `livestream-history:<id>:<version, 10 digits>`
 * (src/kv/versioned-catalog.ts).
 */
export class LivestreamCatalog {
  private readonly catalog: VersionedCatalog<Livestream>;

  constructor(kv: KVNamespace) {
    this.catalog = new VersionedCatalog(kv, {
      prefix: LIVESTREAM_KEY_PREFIX,
      historyPrefix: livestreamHistoryPrefix,
      schema: livestreamSchema,
    });
  }

  find(id: string): Promise<Livestream | null> {
    return this.catalog.find(id);
  }

  /** Every livestream, the soonest first. */
  async list(): Promise<Livestream[]> {
    return (await this.catalog.list()).sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id));
  }

  put(livestream: Livestream): Promise<void> {
    return this.catalog.put(livestream.id, livestream);
  }

  history(id: string, limit: number): Promise<Livestream[]> {
    return this.catalog.history(id, limit);
  }
}
