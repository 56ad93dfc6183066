/**
 * Native modules that could not load. Each VSIX carries the prebuilt binaries of one platform, so
 * a wrong package (an x64 VSIX on an arm64 Mac), a file removed by a virus scanner or a runtime
 * with another ABI shows up here, once, naming the module, the platform and what to do; the
 * daemon's status, the CLI and the status bar show the same text.
 */
export interface NativeModuleFailure {
  module: string;
  /** process.platform-process.arch, e.g. darwin-arm64. */
  platform: string;
  /** What went wrong, in a few words: 'wrong platform', 'missing file', 'ABI mismatch' or 'load failed'. */
  reason: string;
  /** The whole sentence: module, platform, reason, the loader's own words and what to do. */
  message: string;
}

export interface PlatformId {
  platform: NodeJS.Platform;
  arch: string;
}

const here = (): PlatformId => ({ platform: process.platform, arch: process.arch });

/** The loader's message, sorted into the reasons a user can act on. */
export function classifyLoadError(detail: string): string {
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|napi_|symbol lookup error/i.test(detail)) return 'ABI mismatch';
  if (/wrong ELF class|invalid ELF header|incompatible architecture|not a valid Win32 application|mach-o file, but is an incompatible|exec format error|%1 is not a valid/i.test(detail)) return 'wrong platform';
  if (/No native build was found|Cannot find module|MODULE_NOT_FOUND|ENOENT|no such file/i.test(detail)) return 'missing file';
  return 'load failed';
}

export function describeNativeFailure(module: string, detail: string, where: PlatformId = here()): NativeModuleFailure {
  const platform = `${where.platform}-${where.arch}`;
  const reason = classifyLoadError(detail);
  const firstLine = detail.split(/\r?\n/)[0]!.slice(0, 300);
  const message = `Conduit could not load its native module ${module} on ${platform} (${reason}: ${firstLine}). `
    + `Install the Conduit package built for ${platform}: in VS Code, uninstall Conduit and install it again from the Marketplace, `
    + `or install conduit-${vsixTarget(where)}.vsix with "Extensions: Install from VSIX...". Until then ${consequence(module)}.`;
  return { module, platform, reason, message };
}

/** The VSIX target a platform needs (vsce's names). */
export function vsixTarget(where: PlatformId): string {
  return `${where.platform}-${where.arch}`;
}

function consequence(module: string): string {
  if (module.includes('sqlite')) return 'requests are not recorded in the usage ledger, and queued work and batch jobs are not kept';
  if (module.includes('keyring')) return 'API keys cannot be read from the OS keychain (environment variables still work)';
  if (module.includes('usearch')) return 'the semantic cache searches without its ANN index';
  return 'the features that need it are off';
}

/** A native module failed to load; `failure` holds the sentence for the user. */
export class NativeModuleError extends Error {
  override name = 'NativeModuleError';
  readonly code = 'CONDUIT_NATIVE_MODULE';
  readonly failure: NativeModuleFailure;

  constructor(module: string, detail: string, where: PlatformId = here()) {
    const failure = describeNativeFailure(module, detail, where);
    super(failure.message);
    this.failure = failure;
    recordNativeFailure(failure);
  }
}

const failures = new Map<string, NativeModuleFailure>();

/** Keeps the first failure of each module for `conduit status`. */
export function recordNativeFailure(failure: NativeModuleFailure): void {
  if (!failures.has(failure.module)) failures.set(failure.module, failure);
}

export function nativeFailures(): NativeModuleFailure[] {
  return [...failures.values()];
}
