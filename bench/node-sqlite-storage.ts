import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { Sql, SqlCursor, SqliteStorage, SqlRow, SqlValue } from "../durable-objects/sku-sale/sqlite-storage.ts";

/**
 * A Durable Object's SQLite storage, as far as the SKU object's store uses it, over Node's
 * own SQLite (`node:sqlite`, Node 22), so the memory benchmark runs the real SaleStore outside
 * workerd. A measuring tool, not the runtime: there is no output gate and no implicit
 * transaction per turn, so writers wrap each turn's writes in `transactionSync` themselves.
 */
export class NodeSqliteStorage implements SqliteStorage {
  readonly sql: Sql;
  private readonly db: DatabaseSync;
  /** Prepared once per query text, as the runtime caches them. */
  private readonly statements = new Map<string, StatementSync>();

  constructor(path: string) {
    this.db = new DatabaseSync(path);
    // The benchmark fills a database of 200,000 orders; durability across a power cut is no part of it.
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF");
    this.sql = { exec: <T extends SqlRow>(query: string, ...bindings: SqlValue[]) => this.exec<T>(query, bindings) };
  }

  transactionSync<T>(closure: () => T): T {
    // A savepoint nests, like the runtime's transactionSync inside a turn's own transaction.
    this.db.exec("SAVEPOINT tx");
    try {
      const result = closure();
      this.db.exec("RELEASE tx");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK TO tx");
      this.db.exec("RELEASE tx");
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }

  private exec<T extends SqlRow>(query: string, bindings: SqlValue[]): SqlCursor<T> {
    let statement = this.statements.get(query);
    if (!statement) {
      statement = this.db.prepare(query);
      this.statements.set(query, statement);
    }
    const values: SQLInputValue[] = bindings.map((value) => (value instanceof ArrayBuffer ? new Uint8Array(value) : value));
    // The store's rows hold text and numbers only, which node:sqlite returns as the runtime does.
    const rows = statement.all(...values) as T[];
    return {
      toArray: () => rows,
      one: () => {
        if (rows.length !== 1) throw new Error(`expected exactly one row, got ${rows.length}: ${query}`);
        return rows[0]!;
      },
    };
  }
}
