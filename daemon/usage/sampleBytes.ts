/**
 * What a row's samples weigh, for exports that carry them: a sample can be 100,000 characters
 * (sampling.maxChars), so pages with samples are cut by bytes, not by rows alone. `octet_length()`
 * reads the stored size without the text. The 256 bytes stand for the row's other columns.
 */
export const ROW_BYTES_SQL = 'IFNULL(octet_length(sample_prompt), 0) + IFNULL(octet_length(sample_response), 0) + 256';

/** How many of these rows, in order, fit in `budget` bytes: one at the least. */
export function rowsWithin(sizes: readonly { bytes: number }[], budget: number): number {
  let total = 0;
  let n = 0;
  for (const { bytes } of sizes) {
    if (n > 0 && total + bytes > budget) break;
    total += bytes;
    n++;
  }
  return Math.max(1, n);
}
