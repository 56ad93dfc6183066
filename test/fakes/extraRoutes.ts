import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Endpoints beside the chat ones: listing models (what `conduit key set --verify` calls) and
 * OpenAI's moderation endpoint. Keys in `rejected` get the provider's 401.
 */
export interface ExtraRouteState {
  rejected: ReadonlySet<string>;
  /** Moderation flags any input containing one of these words. */
  flagWords: readonly string[];
}

export function keyOf(req: IncomingMessage, url: URL): string | null {
  const h = req.headers;
  const bearer = typeof h.authorization === 'string' ? /^Bearer\s+(.+)$/i.exec(h.authorization)?.[1] : undefined;
  return (
    (typeof h['x-api-key'] === 'string' ? h['x-api-key'] : undefined) ??
    (typeof h['api-key'] === 'string' ? h['api-key'] : undefined) ??
    (typeof h['x-goog-api-key'] === 'string' ? h['x-goog-api-key'] : undefined) ??
    bearer ??
    url.searchParams.get('key')
  );
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Answers and returns true when the request is for one of these endpoints. */
export function handleExtraRoute(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: unknown,
  state: ExtraRouteState,
): boolean {
  const path = url.pathname.replace(/^.*?(\/v1(?:beta)?\/)/, '$1');
  // Azure lists its models at /openai/models?api-version=….
  const isModels =
    req.method === 'GET' &&
    (path === '/v1/models' || path === '/v1beta/models' || url.pathname.endsWith('/openai/models'));
  const isModeration = req.method === 'POST' && path === '/v1/moderations';
  if (!isModels && !isModeration) return false;
  const key = keyOf(req, url);
  if (!key || state.rejected.has(key)) {
    json(res, 401, {
      type: 'error',
      error: {
        type: 'authentication_error',
        message: 'invalid x-api-key',
        code: 'invalid_api_key',
        status: 'UNAUTHENTICATED',
      },
    });
    return true;
  }
  if (isModels && path === '/v1beta/models') {
    json(res, 200, {
      models: [{ name: 'models/gemini-fake', displayName: 'Fake', supportedGenerationMethods: ['generateContent'] }],
    });
  } else if (isModels) {
    // One body both SDKs accept: Anthropic's page fields and OpenAI's list object.
    json(res, 200, {
      object: 'list',
      data: [
        {
          id: 'fake-model',
          object: 'model',
          type: 'model',
          created: 0,
          created_at: '2025-01-01T00:00:00Z',
          owned_by: 'fake',
          display_name: 'Fake',
        },
      ],
      has_more: false,
      first_id: 'fake-model',
      last_id: 'fake-model',
    });
  } else {
    const input =
      typeof body === 'object' && body !== null ? JSON.stringify((body as { input?: unknown }).input ?? '') : '';
    const flagged = state.flagWords.some((w) => input.includes(w));
    json(res, 200, {
      id: 'modr-fake',
      model: 'omni-moderation-latest',
      results: [
        {
          flagged,
          categories: { harassment: flagged, violence: false },
          category_scores: { harassment: flagged ? 0.99 : 0.01, violence: 0.01 },
        },
      ],
    });
  }
  return true;
}
