import type { BudgetStatus, RateLimitStatus, RouterExplainResult, UsageQueryResult } from '../protocol';

/**
 * The `@conduit` participant's /usage and /route answers as markdown. Pure, so that the wording
 * and the figures are tested without a VS Code window. Cells are escaped: model and feature
 * names come from configuration and must not break a table or inject a link.
 */

/** Small costs keep significant digits: "$0.0000" reads as free or broken. */
export function usd(value: number): string {
  if (value === 0) return '$0';
  if (Math.abs(value) < 0.0001) return '< $0.0001';
  if (Math.abs(value) < 1) return `$${value.toPrecision(2).replace(/0+$/, '').replace(/\.$/, '')}`;
  return `$${value.toFixed(2)}`;
}

function cell(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}

function budgetName(b: BudgetStatus): string {
  const scope =
    b.scope === 'global'
      ? 'All requests'
      : b.scope.startsWith('feature:')
        ? `Feature ${b.scope.slice('feature:'.length)}`
        : b.scope;
  return `${scope}, per ${b.period}`;
}

export interface UsageFacts {
  today: UsageQueryResult;
  budgets: readonly BudgetStatus[];
  rateLimits: readonly RateLimitStatus[];
  /** For the times a budget resets, in the user's words. */
  formatTime: (epochMs: number) => string;
}

export function usageMarkdown(f: UsageFacts): string {
  const lines: string[] = ['### Today'];
  const t = f.today.total;
  if (t.requests === 0) {
    lines.push('', 'No requests yet today.');
  } else {
    lines.push(
      '',
      `**${usd(t.costUsd)}** over ${t.requests} request${t.requests === 1 ? '' : 's'}` +
        (t.cacheHits > 0 ? `, ${t.cacheHits} from the cache (saved ${usd(t.cacheSavedUsd)})` : '') +
        (t.errors > 0 ? `, ${t.errors} failed` : '') +
        '.',
    );
    if (t.unpricedRequests > 0)
      lines.push('', `${t.unpricedRequests} request(s) used a model without a known price and are not in the total.`);
    if (f.today.groups.length > 0) {
      lines.push('', '| Provider | Requests | Cost |', '| --- | ---: | ---: |');
      for (const g of f.today.groups) lines.push(`| ${cell(g.key)} | ${g.requests} | ${usd(g.costUsd)} |`);
    }
  }
  lines.push('', '### Budgets');
  if (f.budgets.length === 0) {
    lines.push('', 'No budget is set (`conduit.budgets`).');
  } else {
    lines.push('', '| Budget | Spent | Left | Resets |', '| --- | ---: | ---: | --- |');
    for (const b of f.budgets) {
      lines.push(
        `| ${cell(budgetName(b))} | ${usd(b.spentUsd)} of ${usd(b.limitUsd)} ` +
          `| ${usd(Math.max(0, b.remainingUsd))} | ${cell(f.formatTime(b.resetsAt))} |`,
      );
    }
  }
  lines.push('', '### Rate-limit headroom');
  if (f.rateLimits.length === 0) {
    lines.push('', 'No provider has been limited yet.');
  } else {
    lines.push('', '| Provider | Key | Requests left | Tokens left | Waiting |', '| --- | --- | ---: | ---: | ---: |');
    for (const r of f.rateLimits) {
      const req = r.buckets.find((b) => b.kind === 'requests');
      const tok = r.buckets.find((b) => b.kind === 'tokens' || b.kind === 'input_tokens');
      const left = (b: typeof req) => (b ? `${Math.max(0, Math.floor(b.remaining))} / ${b.limit} a minute` : '–');
      lines.push(
        `| ${cell(r.provider)} | ${cell(r.keyId)} | ${left(req)} | ${left(tok)} ` +
          `| ${r.queued.interactive + r.queued.background} |`,
      );
    }
  }
  return lines.join('\n');
}

const SOURCE_TEXT: Record<string, string> = {
  request: 'the request named the model',
  feature: 'a per-feature setting',
  experiment: 'an A/B experiment',
  tier: "the tier's model",
  configured: 'the configured model (routing is off)',
};

export function routeMarkdown(r: RouterExplainResult): string {
  const route = r.route;
  const lines = [
    `**${cell(route.provider)}/${cell(route.model)}**, tier **${route.tier}**: ${cell(route.reason)}.`,
    '',
    `- Chosen by: ${SOURCE_TEXT[route.source] ?? route.source}`,
  ];
  if (route.downgradedFrom) lines.push(`- Moved down from ${route.downgradedFrom} by the budget`);
  if (route.experiment) lines.push(`- Experiment ${cell(route.experiment.id)}, arm ${cell(route.experiment.arm)}`);
  if (route.deprecation) lines.push(`- ${cell(route.deprecation.message)}`);
  const s = r.signals;
  const worst = r.estimate.worstCaseUsd === null ? 'unknown (no price for this model)' : usd(r.estimate.worstCaseUsd);
  lines.push(
    `- About ${s.estimatedTokens} tokens (${s.codeTokens} of code), ${s.turns} turn${s.turns === 1 ? '' : 's'}` +
      (s.multiStep ? ', several steps' : '') +
      (s.reasoningMarkers.length > 0 ? `, reasoning words: ${s.reasoningMarkers.map(cell).join(', ')}` : ''),
    `- Worst case: ${worst} ` + `(${r.estimate.inputTokens} input tokens at most, ${r.estimate.maxTokens} output)`,
  );
  if (r.trimmed)
    lines.push(
      `- Context trimming would drop ${r.trimmed.droppedMessages} message(s), ${r.trimmed.droppedTokens} tokens`,
    );
  lines.push('', 'Nothing was sent.');
  return lines.join('\n');
}
