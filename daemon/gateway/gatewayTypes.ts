import type { ClientKind, ProviderId, ToolCallDelta } from '../../protocol';
import type { ResponseCache } from '../cache/responseCache';
import type { ConduitConfig } from '../config/config';
import type { Redactor } from '../guard/redact';
import type { Logger } from '../log/logger';
import type { RateLimiter } from '../ratelimit/rateLimiter';
import type { BreakerRegistry } from '../resilience/breakerRegistry';
import type { DurableQueue } from '../resilience/durableQueue';
import type { AttemptTimeouts, Deadline, RetrySettings } from '../resilience/resilienceSettings';
import type { KeyCandidate, KeyRing } from '../secrets/keyRing';
import type { BudgetTable } from '../usage/budgetTable';
import type { UnpricedUse } from '../usage/eventAlerts';
import type { RequestRecorder } from '../usage/requestRecord';
import type { UnpricedSpend } from '../usage/unpricedSpend';
import type { TeamHooks } from './teamSteps';
import type { AdapterSource } from './adapterSource';

// The types the gateway and its steps share, apart from the Gateway class, so the steps need not
// import the file that imports them.

export interface ChatSink {
  /**
   * A tool-call piece comes with `delta` ''. A promise back means the client is behind: the stream
   * waits on it before pulling the next piece from its upstream.
   */
  chunk(delta: string, seq: number, toolCall?: ToolCallDelta): Promise<void> | undefined;
}

export interface SendContext {
  requestId: string;
  client: ClientKind;
  signal: AbortSignal;
  /** Present when the client asked to stream. */
  sink?: ChatSink;
  /** Set by the queue worker: a failure goes back to the worker, not into the queue again. */
  fromQueue?: boolean;
  /** Set by cache warming: its lookup is known to miss, and is not counted as a miss. */
  warming?: boolean;
  /** The calling tool by name (the local endpoint's User-Agent or x-conduit-client), for the ledger. */
  clientName?: string;
  /** No simplified answer: an HTTP client cannot tell Conduit's text from a model's, so it gets the error. */
  noSimplified?: boolean;
}

export interface GatewayDeps {
  config: () => ConduitConfig;
  logger: Logger;
  redactor: Redactor;
  breakers: BreakerRegistry;
  recorder?: RequestRecorder;
  queue?: DurableQueue;
  /** The response cache; without it every request goes upstream. */
  cache?: ResponseCache;
  /** Request and token buckets per provider and key; without it nothing is limited. */
  rateLimiter?: RateLimiter;
  env?: NodeJS.ProcessEnv;
  /** Keychain keys in memory; without it only the environment's keys are used. */
  keys?: KeyRing;
  /** A provider refused a key (401): the next request skips it. For alerts. */
  onKeyRejected?: (event: {
    provider: ProviderId;
    profile: string;
    keyId: string;
    origin: KeyCandidate['origin'];
    nextKeyId: string | undefined;
  }) => void;
  /** Budget reservations; without it nothing is budgeted. */
  budgets?: BudgetTable;
  /** After each budgeted request settles: the daemon checks the budget warnings. */
  onBudgetSettled?: () => void;
  /** Today's spend on models without a known price, for `status`. */
  unpriced?: UnpricedSpend;
  /** A model without a known price, once per model: for an alert. */
  onUnpricedModel?: (e: UnpricedUse) => void;
  /** Team mode: the shared request limit and the team budget; without it both stay local. */
  team?: TeamHooks;
  /** The provider adapters; an AdapterPool (the real SDKs) unless given. */
  adapters?: AdapterSource;
}

export interface RunPolicy {
  retry: RetrySettings;
  timeouts: AttemptTimeouts;
  deadline: Deadline;
  firstByteFailsOver: boolean;
}
