import { estimateInputTokens } from '../ratelimit/tokenEstimate';
import { mapCountTokens } from './anthropic/messagesRequest';
import { sendFailure, sendJson, type Exchange } from './exchange';

/**
 * POST /v1/messages/count_tokens: Conduit's own estimate (the one its limits and budgets use),
 * for any model; nothing is sent upstream and nothing is billed.
 */
export function countTokens(ex: Exchange): void {
  const request = mapCountTokens(ex.body);
  if ('status' in request) return sendFailure(ex, request);
  const toolText = request.tools ? JSON.stringify(request.tools) : '';
  const tokens = estimateInputTokens(request.messages, [request.system ?? '', toolText].filter(Boolean).join('\n'));
  sendJson(ex, 200, { input_tokens: tokens });
}
