type Json = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The dotted paths where two settings objects disagree, down to the leaves (an array is a leaf);
 * a value set on one side only counts. Sorted, for stable messages.
 */
export function settingsDiff(a: unknown, b: unknown, prefix = ''): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: string[] = [];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
      out.push(...settingsDiff(a[key], b[key], prefix ? `${prefix}.${key}` : key));
    return out.sort();
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    // An object on one side only: name its leaves, so the message says which setting.
    const leaves = settingsDiff(isPlainObject(a) ? a : {}, isPlainObject(b) ? b : {}, prefix);
    return leaves.length > 0 ? leaves : [prefix];
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}
