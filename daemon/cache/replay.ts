/**
 * Cuts a cached answer into a few pieces on word boundaries, so a streaming client gets chunks on
 * a hit exactly as on a miss and its code need not tell them apart.
 */
export function replayChunks(text: string, pieces = 4): string[] {
  if (text.length === 0) return [];
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  const per = Math.max(1, Math.ceil(words.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += per) out.push(words.slice(i, i + per).join(''));
  return out;
}
