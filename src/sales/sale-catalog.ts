import { AppError } from "../errors.ts";
import { SALE_KEY_PREFIX, saleConfigSchema, saleKey, type SaleConfig } from "./sale-config.ts";

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

  /** Writes a validated sale. */
  async put(sale: SaleConfig): Promise<void> {
    await this.kv.put(saleKey(sale.sku), JSON.stringify(sale));
  }
}

function parseStoredSale(sku: string, raw: unknown): SaleConfig {
  const parsed = saleConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("internal", `sale "${sku}" in KV is not a valid configuration`);
  }
  return parsed.data;
}
