import { RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { ClientKind, ProviderId } from './chat';
import type { ConduitErrorData } from './errors';
import type { RateLimitStatus } from './rateLimit';
import type { KeychainState } from './keys';
import type { Alert, LedgerStatus } from './usage';
import type { BudgetStatus } from './budget';
import type { ModelDeprecation } from './router';
import type { TeamStatus } from './team';

export interface HelloParams {
  protocolVersion: number;
  /** The per-user token from CONDUIT_HOME/token. Compared in constant time. */
  token: string;
  client: ClientKind;
  clientVersion: string;
}

export interface HelloResult {
  protocolVersion: number;
  version: string;
  pid: number;
  capabilities: string[];
  /** The largest message the daemon accepts; a client checks a request against it before sending. */
  maxMessageBytes?: number;
}

/** Must be the first request on every connection; anything else closes it. */
export const HelloRequest = {
  method: 'daemon/hello',
  type: new RequestType<HelloParams, HelloResult, ConduitErrorData>('daemon/hello'),
} as const;

export interface ProviderStatus {
  id: ProviderId;
  /** Where the key was found; never the key itself. */
  keySource: 'keychain' | 'session' | 'file' | 'env' | 'none' | 'not-required';
  baseURL: string;
  defaultModel: string;
}

/** One provider/model's circuit breaker, as `conduit status --json` shows it. */
export interface CircuitStatus {
  /** "provider/model". */
  key: string;
  state: 'closed' | 'open' | 'half-open';
  failures: number;
  windowRequests: number;
  windowFailures: number;
  openedAt: number | null;
  nextProbeAt: number | null;
  lastFailure: string | null;
}

/** A native module that could not load: which, where, why and what to do (`message`). */
export interface NativeModuleProblem {
  module: string;
  /** process.platform-process.arch, e.g. win32-arm64. */
  platform: string;
  /** 'wrong platform', 'missing file', 'ABI mismatch', 'not built for this platform' or 'load failed'. */
  reason: string;
  message: string;
}

/** The semantic cache's embedder and vector index in use, and why those. */
export interface SemanticCacheStatus {
  embedder: string;
  embedderReason: string;
  index: 'usearch HNSW + brute force' | 'brute force';
  indexReason: string;
}

export interface StatusParams {
  /** Run a garbage collection first (when the daemon allows it) so memory figures are settled. */
  settleMemory?: boolean;
}

export interface StatusResult {
  pid: number;
  version: string;
  protocolVersion: number;
  uptimeMs: number;
  clients: number;
  inFlight: number;
  requestsServed: number;
  /**
   * Flow control toward clients that do not read their replies: connections not being read now,
   * how often a connection's reading stopped and a stream waited for its client, and the most bytes
   * one connection had written and not yet handed to the OS. Absent from older daemons.
   */
  backpressure?: { readingPaused: number; readPauses: number; streamWaits: number; peakUnsentBytes: number };
  home: string;
  socket: string;
  idleTimeoutMs: number;
  /** Bytes. heapTotal, external and arrayBuffers tell V8's share of rss from native memory. */
  memory: { rss: number; heapUsed: number; heapTotal?: number; external?: number; arrayBuffers?: number };
  circuits: CircuitStatus[];
  ledger: LedgerStatus;
  /** Alerts that are firing now. */
  alerts: Alert[];
  providers: ProviderStatus[];
  /** Headroom of each provider and key the daemon has limited so far (remaining, resets, queue). */
  rateLimits: RateLimitStatus[];
  /** The key profile requests use by default. */
  profile?: string;
  /** Whether the OS keychain can be used, and if not, why and how to fix it. */
  keychain?: KeychainState;
  /** Configured models past or within 30 days of their end of life (for the status bar). */
  deprecations?: ModelDeprecation[];
  /** The budgets that are set, with what is spent and left. */
  budgets?: BudgetStatus[];
  /** Today's spend on models without a known price, at their provider's dearest prices; absent when none. */
  unpricedSpend?: UnpricedSpendStatus;
  /** Team mode (shared limits, cache, budgets and usage on Redis); absent when it is off. */
  team?: TeamStatus;
  /** The daemon's platform (process.platform-process.arch) and runtime (process.version). */
  platform?: string;
  runtime?: string;
  /** Native modules that could not load; absent or empty when every one loaded. */
  nativeModules?: NativeModuleProblem[];
  semanticCache?: SemanticCacheStatus;
  /** The fallback chains in force per feature ("*" for all); `automatic` when none is configured. */
  fallback?: { automatic: boolean; chains: Record<string, string[]> };
  /** Settings in config.json that could not be used (their defaults apply) or should change. */
  config?: { file: string; problems: { path: string; severity: 'invalid' | 'warning'; message: string }[] };
  /** The local OpenAI/Anthropic HTTP endpoint (off unless server.enabled). */
  localEndpoint?: LocalEndpointStatus;
  /** How the daemon's runtime was started for its memory: its Node/V8 flags, its malloc settings (Linux). */
  memoryTuning?: {
    execArgv: string[];
    malloc: Record<string, string>;
    /**
     * V8's optimizing compiler, held off while the daemon starts (by default; CONDUIT_OPTIMIZER_HOLD=0 turns it
     * off): `held` until the first chat request or the first idle trim, then `released`; `not held` when turned
     * off, or when the runtime (or the caller's flags) kept it as it was.
     */
    optimizer?: 'held' | 'released' | 'not held';
  };
}

export interface LocalEndpointStatus {
  enabled: boolean;
  listening: boolean;
  host: string;
  port: number;
  /** Why it is enabled but not listening (the port is in use…). */
  problem?: string;
  /**
   * How often a stream waited for an HTTP client that was not reading, and the most bytes one
   * response had written and not yet handed to the OS. Absent from older daemons.
   */
  backpressure?: { streamWaits: number; peakUnsentBytes: number };
}

export const StatusRequest = {
  method: 'daemon/status',
  type: new RequestType<StatusParams, StatusResult, ConduitErrorData>('daemon/status'),
} as const;

/** Asks the daemon to exit once in-flight requests finish. */
export const StopRequest = {
  method: 'daemon/stop',
  type: new RequestType0<{ pid: number }, ConduitErrorData>('daemon/stop'),
} as const;

export interface PingParams {
  /** Any JSON value; the daemon sends it back unchanged. */
  payload?: unknown;
}

/** Echoes its payload: a cheap round trip, for health checks and the IPC benchmark. */
export const PingRequest = {
  method: 'daemon/ping',
  type: new RequestType<PingParams, PingParams, ConduitErrorData>('daemon/ping'),
} as const;

/** Spend on models without a known price today (the daemon's local day), billed at assumed prices. */
export interface UnpricedSpendStatus {
  day: string;
  usd: number;
  requests: number;
  /** "provider/model" and the dearest model whose prices were assumed for it. */
  models: Array<{ model: string; assumedFrom: string }>;
}
