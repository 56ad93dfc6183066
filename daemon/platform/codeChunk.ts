import { ConduitError } from '../../protocol';

/**
 * Code the daemon loads on first use (a provider's adapter and SDK, undici, team mode, batch
 * providers) lives in separate files beside the bundle (dist/chunks/*.mjs), whose names carry a
 * hash of their content. An update of the extension or the CLI replaces them while a daemon
 * started from the old files may still run: its next first use then finds its file gone (or a
 * file from another build) and cannot load it. Nothing in that process can recover, so the load
 * says so clearly and the daemon is told to stop: it finishes the requests it has, and the next
 * client starts the new version.
 */
export class ReplacedCodeError extends ConduitError {
  override readonly name = 'ReplacedCodeError';

  constructor(
    readonly what: string,
    readonly file: string | undefined,
    readonly reason: string,
  ) {
    super({
      code: 'daemon_unavailable',
      message:
        `Conduit was updated while this daemon was running: it could not load ${what} ` +
        `(${file ?? 'a code file'} is missing or from another version). ` +
        'The daemon is stopping; retry and the new version starts.',
    });
  }
}

type Listener = (err: ReplacedCodeError) => void;
const listeners = new Set<Listener>();

/** `listener` hears each failed load of a code file; main.ts stops the daemon on the first. */
export function onReplacedCode(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Whether `err` says the code on disk no longer matches the running code: a module file is gone
 * (ERR_MODULE_NOT_FOUND), or a file from another build does not provide what this one imports.
 */
export function isReplacedCode(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (code === 'ERR_MODULE_NOT_FOUND') return true;
  return err instanceof SyntaxError && /does not provide an export named/.test(err.message);
}

function fileOf(err: Error): string | undefined {
  const m = /Cannot find module '([^']+)'|requested module '([^']+)'/.exec(err.message);
  return m?.[1] ?? m?.[2];
}

/**
 * `load()`, a dynamic import(), for `what` (said to the user: "the openai provider's code"). A
 * load that fails because the files were replaced throws ReplacedCodeError and tells the
 * listeners; any other failure is rethrown as it is.
 */
export async function loadChunk<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (!isReplacedCode(err)) throw err;
    const replaced = new ReplacedCodeError(what, fileOf(err as Error), (err as Error).message);
    for (const listener of listeners) listener(replaced);
    throw replaced;
  }
}
