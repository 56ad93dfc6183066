import { sendFailure, sendJson, failureFromError, resultHeaders, type EndpointDeps, type Exchange } from './exchange';
import { chatCompletionOf } from './openai/chatResponse';
import { mapChatCompletion } from './openai/chatRequest';
import { ChatStreamWriter } from './openai/chatStream';
import { SseResponse } from './sseResponse';

/** POST /v1/chat/completions: JSON or SSE, through the gateway. */
export async function chatCompletions(ex: Exchange, deps: EndpointDeps): Promise<void> {
  const mapped = mapChatCompletion(ex.body, ex.feature);
  if ('status' in mapped) return sendFailure(ex, mapped);
  const created = Math.floor(Date.now() / 1000);
  if (!mapped.stream) {
    try {
      const result = await deps.send(mapped.request, ex);
      sendJson(ex, 200, chatCompletionOf(result, created), resultHeaders(result));
    } catch (err) {
      sendFailure(ex, failureFromError(err, deps));
    }
    return;
  }
  const sse = new SseResponse(ex.res, ex.headers, ex.pressure);
  const writer = new ChatStreamWriter(sse, {
    requestId: ex.requestId,
    model: mapped.model,
    created,
    includeUsage: mapped.includeUsage,
  });
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
