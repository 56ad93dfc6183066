import * as path from 'node:path';
import { ConduitError } from '../../protocol';
import { DaemonClient } from '../client/daemonClient';

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
  cancelled: 130,
} as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** dist/daemon.js sits beside dist/cli.js. */
export function daemonScript(): string {
  return path.join(__dirname, 'daemon.js');
}

export function connect(autoStart = true): Promise<DaemonClient> {
  return DaemonClient.connect({ client: 'cli', autoStart, spawn: { daemonScript: daemonScript() } });
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
    return ExitCode.failed;
  }
  process.stderr.write(`conduit: internal: ${err instanceof Error ? err.message : String(err)}\n`);
  return ExitCode.failed;
}
