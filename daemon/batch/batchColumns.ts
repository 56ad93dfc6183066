import type { ColumnSpec } from '../usage/addedColumns';

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
