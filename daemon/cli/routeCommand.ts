import { parseArgs } from 'node:util';
import type { RouterExplainResult } from '../../protocol';
import { formatUsd } from '../usage/pricing';
import { ExitCode } from './context';
import { explain } from './askCommand';
import { PROMPT_OPTIONS, promptRequest } from './promptRequest';

/** `conduit route PROMPT`: the routing decision and worst-case cost; nothing is sent upstream. */
export async function routeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: PROMPT_OPTIONS,
  });
  const request = await promptRequest('route', values, positionals);
  const result = await explain(request);
  process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatExplain(result));
  return ExitCode.ok;
}

export function formatExplain(r: RouterExplainResult): string {
  const s = r.signals;
  const lines = [
    `tier       ${r.route.reason}`,
    `model      ${r.route.provider}/${r.route.model} (${sourceText(r.route.source)}${r.route.experiment ? ` ${r.route.experiment.id}, arm ${r.route.experiment.arm}` : ''})`,
    `signals    ~${s.estimatedTokens.toLocaleString('en-US')} tokens, ${s.codeTokens.toLocaleString('en-US')} of code; markers: ${s.reasoningMarkers.join(', ') || 'none'}; multi-step: ${s.multiStep ? 'yes' : 'no'}; ${s.turns} message(s); feature ${s.feature}; score ${s.score}`,
    ...(s.requirements !== undefined
      ? [
          `request    ${s.generation ? 'asks to write code' : 'no code to write'}; ${s.requirements} requirement(s); ${s.codeLines ?? 0} line(s) of ${s.codeKind === 'config' ? 'configuration' : s.codeKind === 'concurrent' ? 'concurrent code' : 'code'}`,
        ]
      : []),
    `worst case ${formatUsd(r.estimate.worstCaseUsd)} (${r.estimate.inputTokens.toLocaleString('en-US')} input tokens at most + ${r.estimate.maxTokens.toLocaleString('en-US')} max output)`,
    ...(r.trimmed
      ? [`trimmed    ${r.trimmed.droppedMessages} earlier message(s), ~${r.trimmed.droppedTokens} tokens`]
      : []),
    ...(r.route.deprecation ? [`warning    ${r.route.deprecation.message}`] : []),
    `classified in ${r.classifyMs} ms; nothing was sent`,
  ];
  return lines.join('\n') + '\n';
}

function sourceText(source: RouterExplainResult['route']['source']): string {
  switch (source) {
    case 'request':
      return 'named in the request';
    case 'feature':
      return 'set for the feature';
    case 'experiment':
      return 'experiment';
    case 'tier':
      return "the tier's model";
    case 'configured':
      return 'routing off: the configured model';
  }
}
