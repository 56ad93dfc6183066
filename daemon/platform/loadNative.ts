import { createRequire } from 'node:module';
import { NativeModuleError } from './nativeModule';

const cache = new Map<string, unknown>();

/**
 * Requires a native package by name, at run time (it loads its binary relative to its own folder,
 * so it cannot be bundled). A failure throws NativeModuleError, which records it for
 * `conduit status` and names the module, the platform and what to do.
 */
export function loadNative<T>(name: string, requireFrom: string = __filename): T {
  if (cache.has(name)) return cache.get(name) as T;
  try {
    const mod = createRequire(requireFrom)(name) as T;
    cache.set(name, mod);
    return mod;
  } catch (err) {
    throw new NativeModuleError(name, err instanceof Error ? err.message : String(err));
  }
}
