import * as v8 from 'node:v8';

/**
 * One full GC that also compacts the old space (issue #23). V8 compacts only pages it judges
 * fragmented enough to pay for moving their objects, so after a burst of requests the old space
 * keeps many pages that are mostly free, resident until its memory reducer runs minutes later (a
 * one-off script: 13 MB live in 47 MB of old space after a plain full GC, 13 MB in 13 MB after this
 * one). The flag is on for this one collection only: under load V8's own heuristics are the cheaper
 * ones. Returns whether the flag could be set; if not, the GC still ran, uncompacted.
 */
export function compactingGc(gc: () => void, setFlags: (flags: string) => void = v8.setFlagsFromString): boolean {
  let compacting = false;
  try {
    setFlags('--compact-on-every-full-gc');
    compacting = true;
  } catch {
    // A runtime whose V8 flags are frozen after start: an ordinary full GC is still worth running.
  }
  try {
    gc();
  } finally {
    if (compacting) setFlags('--no-compact-on-every-full-gc');
  }
  return compacting;
}
