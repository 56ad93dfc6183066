import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let found: (() => void) | undefined | null = null;

/**
 * A full GC of the main isolate, or nothing where the runtime refuses. Without --expose-gc, V8
 * still hands the collector to a context created after the flag is set (as compose/idleTrim.ts
 * does), found at the first call: the context that hands it over costs memory of its own.
 */
export function mainGc(): void {
  if (found === null) {
    found = (globalThis as { gc?: () => void }).gc;
    if (!found) {
      try {
        v8.setFlagsFromString('--expose-gc');
        found = vm.runInNewContext('gc') as () => void;
      } catch {
        found = undefined;
      }
    }
  }
  found?.();
}
