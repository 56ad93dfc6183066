import { RequestType } from 'vscode-jsonrpc';
import type { ChatRequest, ProviderId, Tier } from './chat';
import type { ConduitErrorData } from './errors';

/** A configured model at or near its end of life. */
export interface ModelDeprecation {
  provider: ProviderId;
  model: string;
  /** soon: within 30 days; past: the provider no longer serves it. */
  state: 'soon' | 'past';
  endOfLife: string;
  replacement?: string;
  /** One line for people: what, when, and what to use instead. */
  message: string;
}

/** Where the model came from: the request, a per-feature setting, an experiment arm, the tier, or the configured model (routing off). */
export type RouteSource = 'request' | 'feature' | 'experiment' | 'tier' | 'configured';

/** Which tier was chosen, why, and the model it led to; on every ChatResult. */
export interface RouteInfo {
  tier: Tier;
  /** e.g. "complex: 1,900 tokens of code + 'refactor'". */
  reason: string;
  provider: ProviderId;
  model: string;
  source: RouteSource;
  /** The experiment arm the request was assigned to. */
  experiment?: { id: string; arm: string };
  /** Set when the budget moved the request down from this tier. */
  downgradedFrom?: Tier;
  /** Set when the model is past or near its end of life. */
  deprecation?: ModelDeprecation;
}

/** The classifier's inputs, so a decision can be explained and checked. */
export interface RouteSignals {
  estimatedTokens: number;
  codeTokens: number;
  reasoningMarkers: string[];
  multiStep: boolean;
  turns: number;
  feature: string;
  score: number;
  /** Asks to write, create, implement, build or generate something. */
  generation?: boolean;
  /** Requirements listed beyond the first clause. */
  requirements?: number;
  /** Non-blank lines of code in fenced blocks. */
  codeLines?: number;
  /** What the code is: configuration, code, or code with threads, locks or channels. */
  codeKind?: 'none' | 'config' | 'code' | 'concurrent';
}

export interface RouterExplainParams {
  request: ChatRequest;
}

export interface RouterExplainResult {
  route: RouteInfo;
  signals: RouteSignals;
  /** The worst case the budget would reserve: an upper bound of the input tokens (UTF-8 bytes + framing) plus max_tokens at the model's prices. */
  estimate: { inputTokens: number; maxTokens: number; worstCaseUsd: number | null };
  /** What context trimming would drop. */
  trimmed?: { droppedTokens: number; droppedMessages: number };
  /**
   * The expected cost: the prompt's estimated input tokens, and as output the median output of
   * the feature's earlier answers in the ledger (`outputFrom: 'ledger'`, over `samples` answers)
   * or a stated default (`'default'`), at the routed model's prices. Absent where not computed.
   */
  expected?: {
    usd: number | null;
    inputTokens: number;
    outputTokens: number;
    outputFrom: 'ledger' | 'default';
    samples: number;
    approximate: boolean;
  };
  /** How long the classification took, in ms. */
  classifyMs: number;
}

/** `router/explain`: the routing decision and the worst-case cost, without sending anything. */
export const RouterExplainRequest = {
  method: 'router/explain',
  type: new RequestType<RouterExplainParams, RouterExplainResult, ConduitErrorData>('router/explain'),
} as const;
