import type { PanelSnapshot } from '../protocol/webview';

/** The id of the inert JSON element that carries the snapshot whose cards are in the page's HTML. */
export const FIRST_SNAPSHOT_ID = 'first-snapshot';

/**
 * The snapshot the extension wrote into the page's HTML, if any: JSON only, parsed, never run.
 * Anything unreadable is ignored (the page then waits for the snapshot message, as without one).
 */
export function embeddedSnapshot(doc: Document): PanelSnapshot | undefined {
  const text = doc.getElementById(FIRST_SNAPSHOT_ID)?.textContent;
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    const s = value as Partial<PanelSnapshot> | null;
    return typeof s === 'object' && s !== null && typeof s.generatedAt === 'number' && s.daily && s.month
      ? (s as PanelSnapshot)
      : undefined;
  } catch {
    return undefined;
  }
}
