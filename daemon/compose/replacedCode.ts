import type { LogFn } from '../log/logFn';
import { onReplacedCode } from '../platform/codeChunk';

/**
 * A daemon whose code files were replaced by an update (see platform/codeChunk.ts) stops on the
 * first load that fails: the requests it has finish within the stop's grace, the one that needed
 * the missing code gets the clear error, and the next client starts the new version.
 */
export function stopOnReplacedCode(deps: { stop: (reason: string) => void; log: LogFn }): void {
  let stopping = false;
  onReplacedCode((err) => {
    deps.log('error', stopping ? 'another code file is missing' : err.message, {
      what: err.what,
      file: err.file,
      reason: err.reason,
    });
    if (stopping) return;
    stopping = true;
    deps.stop('the code on disk was replaced by an update');
  });
}
