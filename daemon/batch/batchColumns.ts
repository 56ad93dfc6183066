import type { BatchDb } from './batchStore';

export interface ColumnSpec {
  name: string;
  /** An SQLite type with no NOT NULL: rows written before the column existed hold NULL. */
  type: string;
}

/**
 * The batch_items columns added after the first release, all nullable. A batch.db written by an
 * earlier release gets them when it opens, and its jobs (submitted without these fields) keep
 * working with NULLs; an earlier release reading a newer file ignores them.
 */
export const ITEM_COLUMNS_SINCE_FIRST: readonly ColumnSpec[] = [
  /** The answer's tool calls, as JSON. */
  { name: 'tool_calls', type: 'TEXT' },
  /** The stop sequence the answer ended at, when the provider names it. */
  { name: 'stop_sequence', type: 'TEXT' },
  /** The response schema's name: Anthropic's stand-in tool for it carries the answer. */
  { name: 'schema_tool', type: 'TEXT' },
  /** The property a wrapped response schema's answer comes back in. */
  { name: 'wrap_key', type: 'TEXT' },
];

/** Adds the columns the table lacks, in one transaction; a table that has them all is left alone. */
export async function addMissingColumns(db: BatchDb, table: string, columns: readonly ColumnSpec[]): Promise<void> {
  const have = new Set((await db.all<{ name: string }>(`PRAGMA table_info(${table})`)).map((c) => c.name));
  const missing = columns.filter((c) => !have.has(c.name));
  if (missing.length === 0) return;
  await db.transaction(async () => {
    for (const c of missing) await db.exec(`ALTER TABLE ${table} ADD COLUMN ${c.name} ${c.type}`);
  });
}
