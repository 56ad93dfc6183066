/**
 * Series colours that can be seen: VS Code's chart colours are read from the theme, and one
 * too close to the background (charts.orange in both Modern themes is under 2:1) is swapped
 * for another theme colour with at least 3:1 (WCAG's minimum for graphics), or the best there is.
 */

export type Rgba = [number, number, number, number];

/** Parses a computed CSS colour: #rgb, #rgba, #rrggbb, #rrggbbaa, rgb(), rgba(). Null when unknown. */
export function parseColor(text: string): Rgba | null {
  const s = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(s)?.[1];
  if (hex && [3, 4, 6, 8].includes(hex.length)) {
    const parts =
      hex.length <= 4 ? hex.split('').map((c) => parseInt(c + c, 16)) : hex.match(/../g)!.map((h) => parseInt(h, 16));
    return [parts[0]!, parts[1]!, parts[2]!, parts.length === 4 ? parts[3]! / 255 : 1];
  }
  const fn = /^rgba?\(([^)]+)\)$/.exec(s)?.[1];
  if (fn) {
    const parts = fn.split(/[\s,/]+/).filter(Boolean);
    if (parts.length < 3) return null;
    const channel = (p: string) => (p.endsWith('%') ? (parseFloat(p) / 100) * 255 : parseFloat(p));
    const alpha =
      parts[3] === undefined ? 1 : parts[3].endsWith('%') ? parseFloat(parts[3]) / 100 : parseFloat(parts[3]);
    const out: Rgba = [channel(parts[0]!), channel(parts[1]!), channel(parts[2]!), alpha];
    return out.every((n) => Number.isFinite(n)) ? out : null;
  }
  return null;
}

/** A translucent colour as it shows over an opaque background. */
function over(fg: Rgba, bg: Rgba): Rgba {
  const a = fg[3];
  return [fg[0] * a + bg[0] * (1 - a), fg[1] * a + bg[1] * (1 - a), fg[2] * a + bg[2] * (1 - a), 1];
}

function luminance(c: Rgba): number {
  const lin = (v: number) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/** WCAG 2 contrast ratio of a colour over a background, 1 to 21. */
export function contrastRatio(fg: Rgba, bg: Rgba): number {
  const base = over(bg, [255, 255, 255, 1]);
  const a = luminance(over(fg, base));
  const b = luminance(base);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

export const MIN_GRAPHIC_CONTRAST = 3;

/**
 * The colours for `n` series: the preferred ones in order, except that one below 3:1 against
 * the background is replaced by the unused candidate (preferred or spare) with the most
 * contrast that reaches 3:1, or failing that the most contrast there is. Colours that cannot
 * be parsed are kept as they are (the theme knows them, we do not).
 */
export function seriesColours(preferred: readonly string[], spares: readonly string[], background: string): string[] {
  const bg = parseColor(background);
  if (!bg) return [...preferred];
  const ratio = (c: string) => {
    const p = parseColor(c);
    return p ? contrastRatio(p, bg) : Infinity;
  };
  const used = new Set<string>();
  const out: string[] = [];
  for (const colour of preferred) {
    if (ratio(colour) >= MIN_GRAPHIC_CONTRAST && !used.has(colour)) {
      out.push(colour);
      used.add(colour);
      continue;
    }
    const pool = [...preferred, ...spares].filter((c) => !used.has(c) && !preferred.slice(out.length).includes(c));
    const best = pool.sort((a, b) => ratio(b) - ratio(a))[0];
    const pick = best !== undefined && ratio(best) > ratio(colour) ? best : colour;
    out.push(pick);
    used.add(pick);
  }
  return out;
}
