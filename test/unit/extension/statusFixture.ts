import type { StatusResult } from '../../../protocol';

/** A daemon status with nothing wrong, for the status bar's tests; `over` changes what a test needs. */
export function statusFixture(over: Partial<StatusResult> = {}): StatusResult {
  return {
    pid: 1,
    version: '0.1.0',
    protocolVersion: 1,
    uptimeMs: 1,
    clients: 1,
    inFlight: 0,
    requestsServed: 0,
    home: '/h',
    socket: '/s',
    idleTimeoutMs: 1,
    memory: { rss: 0, heapUsed: 0 },
    circuits: [],
    ledger: { file: 'f', state: 'ok', degraded: null, unrecorded: 0 },
    alerts: [],
    providers: [{ id: 'anthropic', keySource: 'env', baseURL: 'http://x', defaultModel: 'claude-x' }],
    rateLimits: [],
    ...over,
  };
}
