import * as fs from 'node:fs';
import { ProviderIds, type ProviderId } from '../../protocol';
import { spawnDaemon, type SpawnOptions, type StartedDaemon } from '../client/spawnDaemon';
import { homeLayout } from '../home/conduitHome';
import { conduitHome } from '../home/homeDir';
import { auditHome } from '../home/safePath';
import { socketAddress } from '../home/socketAddress';
import { readOrCreateToken } from '../home/token';
import { START_PROVIDER_ROUTED } from '../server/startSignal';
import type { EarlyStart } from './earlyStartHandoff';

/**
 * dist/cliStart.js: the first thing a `conduit ask` does when no daemon is running is start one,
 * before the entry loads and runs the CLI's bundle, so the daemon's start (the longer of the two)
 * overlaps the CLI's own. It runs the checks DaemonClient.connect runs before it spawns (the
 * home's audit, the token) and spawns the same way (spawnDaemon); exactly one daemon still owns
 * the socket: a second one started by a concurrent client reports "already running" and exits.
 * Anything unusual (a home problem, a socket file that is there) starts nothing here: the CLI's
 * own path then reports the problem, or connects, with its usual messages and exit codes.
 */
export interface EarlyStartDeps {
  daemonScript: string;
  home?: string;
  platform?: NodeJS.Platform;
  spawn?: (opts: SpawnOptions) => StartedDaemon;
}

/** `argv`: the CLI's arguments after `node cli.js`. Undefined when it started nothing. */
export function startEarly(argv: string[], deps: EarlyStartDeps): EarlyStart | undefined {
  if (argv[0] !== 'ask' || !needsDaemon(argv.slice(1))) return undefined;
  // A named pipe has no file to look for: finding out means connecting, which the CLI does anyway.
  if ((deps.platform ?? process.platform) === 'win32') return undefined;
  try {
    const layout = homeLayout(deps.home ?? conduitHome());
    auditHome(layout.home);
    const token = readOrCreateToken(layout.tokenFile);
    const address = socketAddress(layout.runDir, token);
    // A socket file that is there may be a daemon that answers (a warm ask) or a stale one: the
    // CLI's connect tells them apart. Only a missing socket means no daemon for certain.
    if (fs.existsSync(address.path)) return undefined;
    const startProvider = providerHint(argv.slice(1));
    const started = (deps.spawn ?? spawnDaemon)({
      daemonScript: deps.daemonScript,
      logsDir: layout.logsDir,
      // Nobody waits for it yet: a run that ends before it waits (a usage error) must not wait for it.
      unrefChannel: true,
      ...(startProvider ? { startProvider } : {}),
    });
    return { socketPath: address.path, started };
  } catch {
    return undefined;
  }
}

/** Help asks nothing of the daemon; a dry run (--estimate) needs one, though no provider code. */
function needsDaemon(args: string[]): boolean {
  const options = args.slice(0, indexOrEnd(args, '--'));
  return !options.includes('--help') && !options.includes('-h');
}

/**
 * What the daemon should load while it starts: the provider of `--provider X` / `--provider=X`
 * (before a bare `--`), `routed` (the one its configuration routes to) without one; nothing for a
 * dry run (--estimate sends nothing upstream) or an unknown provider (the CLI reports that).
 */
export function providerHint(args: string[]): ProviderId | typeof START_PROVIDER_ROUTED | undefined {
  const options = args.slice(0, indexOrEnd(args, '--'));
  if (options.includes('--estimate')) return undefined;
  let value: string | undefined;
  for (let i = 0; i < options.length; i++) {
    const arg = options[i]!;
    if (arg === '--provider') value = options[++i];
    else if (arg.startsWith('--provider=')) value = arg.slice('--provider='.length);
  }
  if (value === undefined) return START_PROVIDER_ROUTED;
  return (ProviderIds as readonly string[]).includes(value) ? (value as ProviderId) : undefined;
}

function indexOrEnd(args: string[], item: string): number {
  const i = args.indexOf(item);
  return i === -1 ? args.length : i;
}
