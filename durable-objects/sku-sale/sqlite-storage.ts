/**
 * The part of a Durable Object's storage the SKU object's store uses: `DurableObjectStorage`
 * is one. Naming no more than this lets the memory benchmark run the very same store over
 * Node's SQLite (bench/object-memory.ts, issue 12).
 */
export interface SqliteStorage {
  readonly sql: Sql;
  /** Runs `closure` as one transaction: all of its writes, or none when it throws. */
  transactionSync<T>(closure: () => T): T;
}

/** `SqlStorage.exec`: one statement, its parameters bound in order. */
export interface Sql {
  exec<T extends SqlRow = SqlRow>(query: string, ...bindings: SqlValue[]): SqlCursor<T>;
}

export interface SqlCursor<T extends SqlRow> {
  toArray(): T[];
  /** The only row; throws when there is not exactly one. */
  one(): T;
}

export type SqlValue = ArrayBuffer | string | number | null;
export type SqlRow = Record<string, SqlValue>;
