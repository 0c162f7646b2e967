import type { z } from "zod";
import { historyKeyOf } from "./history-key.ts";

/** Where one kind of configuration lives in KV, and how its values are checked. */
export interface CatalogShape<T extends { version: number }> {
  /** Current values: `<prefix><key>`. */
  prefix: string;
  /** Every version: `<historyPrefix(key)><version, 10 digits>`. */
  historyPrefix: (key: string) => string;
  schema: z.ZodType<T>;
}

/**
 * Configuration a marketer edits in versions (experiments, coupon templates), kept in Workers
 * KV: the current value under `<prefix><key>` and every saved version under its history
 * prefix, zero-padded so KV's listing returns versions in order. Values are validated on the
 * way out: KV is written by people and tools too, and a malformed entry is skipped, never run.
 */
export class VersionedCatalog<T extends { version: number }> {
  private readonly kv: KVNamespace;
  private readonly shape: CatalogShape<T>;

  constructor(kv: KVNamespace, shape: CatalogShape<T>) {
    this.kv = kv;
    this.shape = shape;
  }

  /** The value under `key`, or null when KV has none (or none that is valid). */
  async find(key: string): Promise<T | null> {
    return this.parse(await this.kv.get(`${this.shape.prefix}${key}`, "json"));
  }

  /** Every current value, in KV's key order. */
  async list(): Promise<T[]> {
    const names = await this.names(this.shape.prefix);
    const values = await Promise.all(names.map((name) => this.kv.get(name, "json")));
    return values.map((raw) => this.parse(raw)).filter((value): value is T => value !== null);
  }

  /** Writes a version: its history entry first, so the current one always has one. */
  async put(key: string, value: T): Promise<void> {
    const text = JSON.stringify(value);
    await this.kv.put(this.historyKey(key, value.version), text);
    await this.kv.put(`${this.shape.prefix}${key}`, text);
  }

  /** Kept versions, newest first, at most `limit`. */
  async history(key: string, limit: number): Promise<T[]> {
    const newest = (await this.names(this.shape.historyPrefix(key))).slice(-limit).reverse();
    const values = await Promise.all(newest.map((name) => this.kv.get(name, "json")));
    return values.map((raw) => this.parse(raw)).filter((value): value is T => value !== null);
  }

  historyKey(key: string, version: number): string {
    return historyKeyOf(this.shape.historyPrefix(key), version);
  }

  private async names(prefix: string): Promise<string[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix, cursor });
      names.push(...page.keys.map((k) => k.name));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return names;
  }

  private parse(raw: unknown): T | null {
    if (raw === null) return null;
    const parsed = this.shape.schema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  }
}
