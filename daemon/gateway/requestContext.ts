import type { AttemptRecord, ChatRequest, GuardRedaction, RouteInfo } from '../../protocol';
import type { ConduitConfig } from '../config/config';
import type { Target } from '../resilience/fallbackPlan';
import type { AdapterSource } from './adapterSource';
import type { BudgetStep, CoverTarget } from './budgetStep';
import type { CacheStep } from './cacheStep';
import type { GatewayDeps, RunPolicy, SendContext } from './gatewayTypes';
import type { StreamSink } from './providerCall';
import type { RouteStep } from './routeStep';

/** What every request's steps share for the gateway's life: the injected adapters and the stateful policies. */
export interface PipelineParts {
  deps: GatewayDeps;
  env: NodeJS.ProcessEnv;
  adapters: AdapterSource;
  routes: RouteStep;
  cache: CacheStep;
  /** Absent when no budget table was given: nothing is budgeted. */
  budget: BudgetStep | undefined;
}

/** A request as it arrives, before anything is known of it but enough to record it whatever happens. */
export interface Arrival {
  parts: PipelineParts;
  /** The caller's side: request id, client, signal, stream sink, and who is asking. */
  call: SendContext;
  /** The configuration, read once for the whole request. */
  config: ConduitConfig;
  input: unknown;
  /** performance.now() at the start, for latencies. */
  started: number;
  /** Date.now() at the start, for the ledger. */
  startedAt: number;
  /** Every attempt made, across all targets, appended as each ends. Shared by all the copies of the context. */
  attempts: AttemptRecord[];
  /** The fallbacks taken, in order. Shared like `attempts`. */
  fallbacks: string[];
  /** The request and route the ledger row names, set once the context window has fitted them. */
  recorded: { request?: ChatRequest; route?: RouteInfo };
}

/** The context the request steps get: the request as guarded, routed and fitted, and where it goes. */
export interface RequestContext extends Arrival {
  request: ChatRequest;
  route: RouteInfo;
  /** What the input guard removed from the prompt. */
  inputRedacted: GuardRedaction[];
  /** Messages the route and the context window dropped, told in the result. */
  trimmed?: { droppedTokens: number; droppedMessages: number };
  /** The larger-context model the context window moved the request to. */
  contextFallback?: { from: string; to: string };
  /** Set by the budget steps: raises the reservation before a dearer fallback is called. */
  cover?: CoverTarget;
}

/** One target of the fallback chain, with the request as fitted to it. */
export interface TargetContext extends RequestContext {
  target: Target;
  /** Retries, timeouts and the deadline shared by the whole chain. */
  policy: RunPolicy;
  /** The caller's stream, numbered across targets; undefined when not streaming. */
  sink: StreamSink | undefined;
}

/** A target with the key it is tried with (undefined: a local server or a platform's own credentials). */
export interface KeyedTarget extends TargetContext {
  key: string | undefined;
}
