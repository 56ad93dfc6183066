/**
 * Native modules that could not load. Each VSIX carries the prebuilt binaries of one platform, so
 * a wrong package (an x64 VSIX on an arm64 Mac), a file removed by a virus scanner or a runtime
 * with another ABI shows up here, once, naming the module, the platform and what to do; the
 * daemon's status, the CLI and the status bar show the same text.
 */
import type { NativeModuleProblem } from '../../protocol/daemon';
import { currentInstallKind, type InstallKind } from './installKind';

/** The whole sentence in `message`: module, platform, reason, the loader's own words and what to do. */
export type NativeModuleFailure = NativeModuleProblem;

export interface PlatformId {
  platform: NodeJS.Platform;
  arch: string;
  /** Linux only: musl (Alpine) or glibc. */
  musl?: boolean;
  /** The npm package or a VSIX (the default): the fix for a failure differs. */
  install?: InstallKind;
}

export const currentPlatform = (): PlatformId => ({
  platform: process.platform,
  arch: process.arch,
  musl: isMusl(),
  install: currentInstallKind(),
});

/** The usearch the npm package's docs name (2.26 needs Node 22). */
const USEARCH_INSTALL = 'npm install -g usearch@2.25.3';

function isMusl(): boolean {
  if (process.platform !== 'linux') return false;
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return !header?.glibcVersionRuntime;
}

/**
 * usearch publishes prebuilt binaries for Linux (glibc) and macOS only; its absence elsewhere is
 * by design, so it reads as a fact about the platform, not as a broken install.
 */
export function shippedOn(module: string, where: PlatformId): boolean {
  if (module !== 'usearch') return true;
  return where.platform === 'darwin' || (where.platform === 'linux' && !where.musl);
}

/** The loader's message, sorted into the reasons a user can act on. */
export function classifyLoadError(detail: string): string {
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|napi_|symbol lookup error/i.test(detail))
    return 'ABI mismatch';
  if (
    /wrong ELF class|invalid ELF header|incompatible architecture|not a valid Win32 application|mach-o file, but is an incompatible|exec format error|%1 is not a valid/i.test(
      detail,
    )
  )
    return 'wrong platform';
  if (
    /No native build was found|Cannot find native binding|Cannot find module|MODULE_NOT_FOUND|ENOENT|no such file/i.test(
      detail,
    )
  )
    return 'missing file';
  return 'load failed';
}

export function describeNativeFailure(
  module: string,
  detail: string,
  where: PlatformId = currentPlatform(),
): NativeModuleFailure {
  const platform = `${where.platform}-${where.arch}`;
  const firstLine = detail.split(/\r?\n/)[0]!.slice(0, 300);
  if (!shippedOn(module, where)) {
    const message =
      `${module} has no prebuilt binary for ${vsixTarget(where)}, so Conduit does not ship it there: ${consequence(module)}. ` +
      'Nothing to do; exact search stays fast up to about ten thousand entries per scope.';
    return { module, platform, reason: 'not built for this platform', message };
  }
  const reason = classifyLoadError(detail);
  if (where.install === 'npm') return describeNpmFailure(module, reason, firstLine, platform);
  const message =
    `Conduit could not load its native module ${module} on ${platform} (${reason}: ${firstLine}). ` +
    `Install the Conduit package built for ${platform}: in VS Code, uninstall Conduit and install it again from the Marketplace, ` +
    `or install conduit-${vsixTarget(where)}.vsix with "Extensions: Install from VSIX...". Until then ${consequence(module)}.`;
  return { module, platform, reason, message };
}

/**
 * The npm package leaves usearch out (an explicit install: npm would try to compile it where no
 * prebuilt binary exists), and npm picks the other binaries for the machine it runs on.
 */
function describeNpmFailure(module: string, reason: string, firstLine: string, platform: string): NativeModuleFailure {
  if (module === 'usearch' && reason === 'missing file') {
    const message =
      `usearch is an optional install beside Conduit's npm package, and it is not installed: ${consequence(module)}. ` +
      `For the ANN index run \`${USEARCH_INSTALL}\` (prebuilt for ${platform}; nothing is compiled), then \`conduit stop\`.`;
    return { module, platform, reason: 'not installed', message };
  }
  const message =
    `Conduit could not load its native module ${module} on ${platform} (${reason}: ${firstLine}). ` +
    `Install Conduit's npm package again on this machine with \`npm install -g\` (npm picks the binaries for ${platform}; ` +
    `a global folder copied from another machine or installed by another Node.js carries theirs). Until then ${consequence(module)}.`;
  return { module, platform, reason, message };
}

/** The VSIX target a platform needs (vsce's names). */
export function vsixTarget(where: PlatformId): string {
  return `${where.platform === 'linux' && where.musl ? 'alpine' : where.platform}-${where.arch}`;
}

function consequence(module: string): string {
  if (module.includes('sqlite'))
    return 'requests are not recorded in the usage ledger, and queued work and batch jobs are not kept';
  if (module.includes('keyring'))
    return 'API keys cannot be read from the OS keychain (environment variables still work)';
  if (module.includes('usearch'))
    return 'the semantic cache searches every scope exactly (brute force), without its ANN index';
  return 'the features that need it are off';
}

/** A native module failed to load; `failure` holds the sentence for the user. */
export class NativeModuleError extends Error {
  override name = 'NativeModuleError';
  readonly code = 'CONDUIT_NATIVE_MODULE';
  readonly failure: NativeModuleFailure;

  constructor(module: string, detail: string, where: PlatformId = currentPlatform()) {
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
