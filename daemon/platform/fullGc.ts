import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let found: (() => void) | undefined | null = null;

/**
 * The full collector, which a daemon started without --expose-gc can still reach: V8 exposes it to
 * contexts created after the flag is set. Found once (the context that hands it over costs memory of
 * its own); undefined where the runtime refuses.
 */
export function fullGc(): (() => void) | undefined {
  if (found !== null) return found;
  found = (globalThis as { gc?: () => void }).gc;
  if (found) return found;
  try {
    v8.setFlagsFromString('--expose-gc');
    found = vm.runInNewContext('gc') as () => void;
  } catch {
    found = undefined;
  }
  return found;
}

/** A full GC of the main isolate now, or nothing where the runtime refuses. */
export function collectGarbage(): void {
  fullGc()?.();
}

/**
 * A young-generation collection (a scavenge) of the main isolate, or undefined where the runtime
 * gives no collector. V8's `gc` takes `{ type: 'minor' }` (Node 18 and later, and the Electron
 * VS Code runs the daemon in).
 */
export function minorGc(): (() => void) | undefined {
  // The function found takes V8's options, which its type above leaves out.
  const gc: ((options?: { type: 'minor' }) => void) | undefined = fullGc();
  return gc ? () => gc({ type: 'minor' }) : undefined;
}
