import * as path from 'node:path';
import { ConduitError, type ProviderId } from '../../protocol';
import type { DaemonClient } from '../client/daemonClient';
import type { START_PROVIDER_ROUTED } from '../server/startSignal';

/** Exit codes the CLI promises; scripts rely on them. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  daemonUnavailable: 3,
  /** Every provider failed; stdout has Conduit's short "unavailable" answer instead. */
  degraded: 4,
  /** A background request waits in the durable queue; stderr names the job. */
  queued: 5,
  /** A file or folder in CONDUIT_HOME is not safe to use; stderr names it and what to do. */
  homeUnsafe: 6,
  cancelled: 130,
} as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

let profile: string | undefined;

/**
 * The global `--profile NAME` (or CONDUIT_PROFILE): the key set this invocation uses. The CLI
 * sends it with each request (`ChatRequest.profile`, `keys/*` params), so one daemon serves
 * several profiles at once; without it the daemon's configured profile applies.
 */
export function selectedProfile(): string | undefined {
  return profile ?? (process.env.CONDUIT_PROFILE?.trim() || undefined);
}

/** Takes `--profile NAME` / `--profile=NAME` out of argv, wherever it is (before a bare `--`). */
export function takeProfileOption(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg === '--profile') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-'))
        throw new UsageError('--profile needs a name, e.g. --profile prod.');
      profile = value;
      i++;
    } else if (arg.startsWith('--profile=')) {
      profile = arg.slice('--profile='.length);
      if (!profile) throw new UsageError('--profile needs a name, e.g. --profile=prod.');
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** dist/daemon.js sits beside dist/cli.js. */
export function daemonScript(): string {
  return path.join(__dirname, 'daemon.js');
}

/**
 * `startProvider`: the provider the waiting request names, so a daemon this spawns loads that
 * provider's code while it opens its files (a cold `conduit ask` would otherwise compile it after).
 */
export async function connect(
  autoStart = true,
  startProvider?: ProviderId | typeof START_PROVIDER_ROUTED,
): Promise<DaemonClient> {
  const spawn = { daemonScript: daemonScript(), ...(startProvider ? { startProvider } : {}) };
  // Loaded here, not with this file: a warm `conduit ask` talks to the daemon without
  // vscode-jsonrpc's connection (client/chatClient.ts) and never evaluates it.
  const { DaemonClient } = await import('../client/daemonClient');
  return DaemonClient.connect({ client: 'cli', autoStart, spawn });
}

export function fail(err: unknown): number {
  const nodeCode = (err as { code?: unknown } | null)?.code;
  if (err instanceof UsageError || (typeof nodeCode === 'string' && nodeCode.startsWith('ERR_PARSE_ARGS'))) {
    process.stderr.write(`conduit: ${(err as Error).message}\nRun \`conduit help\` for usage.\n`);
    return ExitCode.usage;
  }
  if (err instanceof ConduitError) {
    process.stderr.write(`conduit: ${err.code}: ${err.message}\n`);
    if (err.code === 'cancelled') return ExitCode.cancelled;
    if (err.code === 'daemon_unavailable') return ExitCode.daemonUnavailable;
    if (err.code === 'queued') return ExitCode.queued;
    if (err.code === 'home_unsafe') return ExitCode.homeUnsafe;
    return ExitCode.failed;
  }
  process.stderr.write(`conduit: internal: ${err instanceof Error ? err.message : String(err)}\n`);
  return ExitCode.failed;
}
