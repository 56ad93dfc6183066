import type { StatusResult } from '../../protocol/daemon';
import { semanticCacheStatus } from '../cache/semanticStatus';
import { currentPlatform, nativeFailures, vsixTarget } from './nativeModule';

/** The status fields about the machine: platform, runtime, native modules that failed, the semantic cache's parts. */
export function platformStatus(): Pick<StatusResult, 'platform' | 'runtime' | 'nativeModules' | 'semanticCache'> {
  const semanticCache = semanticCacheStatus();
  return {
    platform: vsixTarget(currentPlatform()),
    runtime: `Node ${process.version}${process.versions.electron ? ` (Electron ${process.versions.electron})` : ''}`,
    // usearch missing where it is not built is a fact about the platform, shown under semanticCache.
    nativeModules: nativeFailures().filter((f) => f.reason !== 'not built for this platform'),
    semanticCache,
  };
}
