import { AppError } from "../errors.ts";
import { SALE_KEY_PREFIX, saleConfigSchema, saleHistoryKey, saleHistoryPrefix, saleKey, type SaleConfig } from "./sale-config.ts";

/**
 * Cloudflare KV takes at most one write per second to the same key and answers more with
 * 429: a pause quickly followed by a resume would hit it, so a refused write is retried.
 */
const PUT_RETRY_MS = [1_100, 2_200];

/**
 * Reads sale configuration from Workers KV. Every value is validated on the way out:
 * KV is written by people and tools, so a malformed entry is reported, never trusted.
 */
export class SaleCatalog {
  private readonly kv: KVNamespace;

  constructor(kv: KVNamespace) {
    this.kv = kv;
  }

  /** The sale for `sku`, or a `not_found` error. */
  async get(sku: string): Promise<SaleConfig> {
    const raw = await this.kv.get(saleKey(sku), "json");
    if (raw === null) throw new AppError("not_found", `no sale for SKU "${sku}"`);
    return parseStoredSale(sku, raw);
  }

  /** Every configured sale, ordered by start time. Malformed entries are skipped. */
  async list(): Promise<SaleConfig[]> {
    const sales: SaleConfig[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix: SALE_KEY_PREFIX, cursor });
      const values = await Promise.all(page.keys.map((key) => this.kv.get(key.name, "json")));
      for (const raw of values) {
        const parsed = saleConfigSchema.safeParse(raw);
        if (parsed.success) sales.push(parsed.data);
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return sales.sort((a, b) => a.startsAt - b.startsAt);
  }

  /** The sale for `sku` as KV holds it, or null when there is none. */
  async find(sku: string): Promise<SaleConfig | null> {
    const raw = await this.kv.get(saleKey(sku), "json");
    return raw === null ? null : parseStoredSale(sku, raw);
  }

  /**
   * Writes a saved version: to the history first, then as the current configuration, so
   * the current one always has its history entry (issue 6: every version is kept).
   */
  async put(sale: SaleConfig): Promise<void> {
    const value = JSON.stringify(sale);
    await this.putWithRetry(saleHistoryKey(sale.sku, sale.version), value);
    await this.putWithRetry(saleKey(sale.sku), value);
  }

  /** The kept versions of a sale, newest first, at most `limit`. */
  async history(sku: string, limit: number): Promise<SaleConfig[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix: saleHistoryPrefix(sku), cursor });
      names.push(...page.keys.map((key) => key.name));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    // Keys end in the zero-padded version, so the listing is in version order.
    const newest = names.slice(-limit).reverse();
    const values = await Promise.all(newest.map((name) => this.kv.get(name, "json")));
    return values.flatMap((raw) => {
      const parsed = saleConfigSchema.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    });
  }

  private async putWithRetry(key: string, value: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.kv.put(key, value);
        return;
      } catch (error) {
        const wait = PUT_RETRY_MS[attempt];
        if (wait === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}

function parseStoredSale(sku: string, raw: unknown): SaleConfig {
  const parsed = saleConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("internal", `sale "${sku}" in KV is not a valid configuration`);
  }
  return parsed.data;
}
