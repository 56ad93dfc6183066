import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { PeerResult } from './peerBench';

// 2. The peer gateway, in a network namespace of its own when possible.
export function peer(buildDir: string, quick: boolean): PeerResult {
  const script = path.join(buildDir, 'peerBench.js');
  const args = quick ? ['--quick'] : [];
  const inNs = spawnSync(
    'unshare',
    ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, script, ...args],
    { encoding: 'utf8' },
  );
  const parse = (out: string): PeerResult | undefined => {
    try {
      return JSON.parse(out.trim().split('\n').pop() ?? '') as PeerResult;
    } catch {
      return undefined;
    }
  };
  const r = inNs.status === 0 ? parse(inNs.stdout) : undefined;
  if (r) return { ...r, isolation: 'own network namespace (unshare -n, loopback only)' };
  process.stderr.write(
    `(no network namespace: ${(inNs.stderr || String(inNs.error ?? '')).trim().split('\n')[0]}; Portkey runs on the host for the length of the run only)\n`,
  );
  const host = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return {
    ...(parse(host.stdout) ?? { ok: false, skipped: `peer benchmark printed nothing: ${host.stderr.slice(-300)}` }),
    isolation: 'host (Portkey listened on all interfaces during the run only)',
  };
}
