import { DurableObject } from "cloudflare:workers";

/**
 * One object per SKU on sale: it owns that SKU's stock, countdown and reservations and
 * serializes every decrement (PRODUCT.md, "Shape"). Its state lives in the object's own
 * SQLite storage; the schema is created idempotently and versioned so later versions of
 * the class can migrate an object that already holds a running sale.
 */
export class SkuSale extends DurableObject<Env> {
  static readonly SCHEMA_VERSION = 1;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Runs before any request reaches the object, so no call ever sees a half-made schema.
    ctx.blockConcurrencyWhile(async () => this.migrate());
  }

  /** A round trip through the object and its storage, for health checks. */
  async ping(): Promise<{ schemaVersion: number; serverTime: number }> {
    const row = this.ctx.storage.sql.exec<{ version: number }>("SELECT version FROM schema_meta").one();
    return { schemaVersion: row.version, serverTime: Date.now() };
  }

  private migrate(): void {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS schema_meta (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
    sql.exec(
      "INSERT INTO schema_meta (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
      SkuSale.SCHEMA_VERSION,
    );
  }
}
