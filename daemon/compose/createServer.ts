import { CONDUIT_VERSION } from '../../protocol';
import type { Gateway } from '../gateway/gateway';
import type { LogFn } from '../log/logFn';
import type { RegisterHandlers } from '../server/clientSession';
import { DaemonServer } from '../server/daemonServer';
import { startIdleScavenge } from './idleScavenge';
import { startIdleTrim } from './idleTrim';
import type { OptimizerHold } from './optimizerHold';
import type { StatusReport } from './statusReport';

const CAPABILITIES = [
  'chat',
  'stream',
  'status',
  'usage',
  'alerts',
  'jobs',
  'cache',
  'keys',
  'config',
  'feedback',
  'router',
  'budgets',
  'experiments',
  'batch',
];

export interface ServerDeps {
  token: string;
  maxMessageBytes: number;
  /** Resolves once the daemon has started; hellos wait for it. */
  ready: Promise<void>;
  gateway: Gateway;
  status: StatusReport;
  handlers: RegisterHandlers[];
  /** A client asked the daemon to stop. */
  stop: () => void;
  onIdleChange: (idle: boolean) => void;
  log: LogFn;
  env?: NodeJS.ProcessEnv;
  /** Released at the first chat request, or after the start's quiet spell if none comes first. */
  optimizer?: OptimizerHold;
}

/** The connections: the handshake, chat, status and stop, and every other area's handlers. */
export function createServer(deps: ServerDeps): DaemonServer {
  const { gateway } = deps;
  const release = deps.optimizer?.release ?? ((): void => {});
  const trim = startIdleTrim({ log: deps.log, env: deps.env, afterTrim: release });
  const scavenge = startIdleScavenge(deps.env);
  return new DaemonServer({
    token: deps.token,
    maxMessageBytes: deps.maxMessageBytes,
    handshakeTimeoutMs: Number((deps.env ?? process.env).CONDUIT_HANDSHAKE_TIMEOUT_MS) || 3000,
    ready: deps.ready,
    maxConnections: 1024,
    hello: () => ({ version: CONDUIT_VERSION, pid: process.pid, capabilities: CAPABILITIES }),
    chat: (params, client, signal, onChunk) => {
      const p = (params ?? {}) as { requestId?: unknown; request?: unknown };
      const requestId =
        typeof p.requestId === 'string' && p.requestId.length <= 200 ? p.requestId : `req_${Date.now()}`;
      return gateway.send(p.request, { requestId, client, signal, ...(onChunk ? { sink: { chunk: onChunk } } : {}) });
    },
    status: deps.status,
    stop: deps.stop,
    log: deps.log,
    extraHandlers: deps.handlers,
    onIdleChange: deps.onIdleChange,
    onRequest: {
      started: () => {
        release();
        trim.requestStarted();
        scavenge.requestStarted();
      },
      ended: () => {
        trim.requestEnded();
        scavenge.requestEnded();
      },
    },
  });
}
