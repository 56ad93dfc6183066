/** The little of SQLite adding columns needs (SqliteDb provides it). */
export interface ColumnsDb {
  exec(sql: string): Promise<void>;
  all<T>(sql: string): Promise<T[]>;
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

/** A column added to a table after its first release. */
export interface ColumnSpec {
  name: string;
  /** An SQLite type with no NOT NULL: rows written before the column existed hold NULL. */
  type: string;
}

/**
 * Adds the columns the table lacks, in one transaction; a table that has them all is left alone.
 * So a file written by an earlier release opens in this one, and an earlier release reading a
 * newer file is unaffected as long as it names the columns it writes.
 */
export async function addMissingColumns(db: ColumnsDb, table: string, columns: readonly ColumnSpec[]): Promise<void> {
  const have = new Set((await db.all<{ name: string }>(`PRAGMA table_info(${table})`)).map((c) => c.name));
  const missing = columns.filter((c) => !have.has(c.name));
  if (missing.length === 0) return;
  await db.transaction(async () => {
    for (const c of missing) await db.exec(`ALTER TABLE ${table} ADD COLUMN ${c.name} ${c.type}`);
  });
}
