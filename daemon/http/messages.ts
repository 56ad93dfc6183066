import { estimateInputTokens } from '../ratelimit/tokenEstimate';
import { mapMessages } from './anthropic/messagesRequest';
import { messageOf } from './anthropic/messagesResponse';
import { MessagesStreamWriter } from './anthropic/messagesStream';
import { failureFromError, resultHeaders, sendFailure, sendJson, type EndpointDeps, type Exchange } from './exchange';
import { SseResponse } from './sseResponse';

/** POST /v1/messages: JSON or SSE, through the gateway. */
export async function messages(ex: Exchange, deps: EndpointDeps): Promise<void> {
  const mapped = mapMessages(ex.body, ex.feature);
  if ('status' in mapped) return sendFailure(ex, mapped);
  if (!mapped.stream) {
    try {
      const result = await deps.send(mapped.request, ex);
      sendJson(ex, 200, messageOf(result), resultHeaders(result));
    } catch (err) {
      sendFailure(ex, failureFromError(err, deps));
    }
    return;
  }
  const sse = new SseResponse(ex.res, ex.headers, ex.pressure);
  const estimatedInputTokens = estimateInputTokens(mapped.request.messages, mapped.request.system);
  const writer = new MessagesStreamWriter(sse, { requestId: ex.requestId, model: mapped.model, estimatedInputTokens });
  try {
    const result = await deps.send(mapped.request, ex, (delta, toolCall) => {
      writer.chunk(delta, toolCall);
      return sse.whenBehind();
    });
    writer.finish(result);
  } catch (err) {
    const failure = failureFromError(err, deps);
    if (sse.started) writer.fail(failure);
    else sendFailure(ex, failure);
  }
}
