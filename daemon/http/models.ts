import { modelNotFound } from './errorStatus';
import { sendFailure, sendJson, type EndpointDeps, type Exchange } from './exchange';

/** A fixed date for every listed model: Conduit does not know when a provider created one. */
const CREATED_S = 1_700_000_000;

/**
 * GET /v1/models (and /v1/models/{id}): OpenAI's list shape, or Anthropic's when the client sent
 * anthropic-version, as the Anthropic SDK does.
 */
export function models(ex: Exchange, deps: EndpointDeps, id: string | undefined): void {
  // Anthropic's list is of models /v1/messages takes; OpenAI's has the embedding models too.
  const all = deps.modelIds().filter((m) => ex.api === 'openai' || !m.embedding);
  const listed = id === undefined ? all : all.filter((m) => m.id === id);
  if (id !== undefined && listed.length === 0)
    return sendFailure(
      ex,
      modelNotFound(`The model ${JSON.stringify(id)} is not listed; GET /v1/models lists the names Conduit takes.`),
    );
  if (ex.api === 'anthropic') {
    const data = listed.map((m) => ({
      type: 'model',
      id: m.id,
      display_name: m.id,
      created_at: new Date(CREATED_S * 1000).toISOString(),
    }));
    if (id !== undefined) return sendJson(ex, 200, data[0]);
    return sendJson(ex, 200, {
      data,
      has_more: false,
      first_id: data[0]?.id ?? null,
      last_id: data[data.length - 1]?.id ?? null,
    });
  }
  const data = listed.map((m) => ({ id: m.id, object: 'model', created: CREATED_S, owned_by: m.ownedBy }));
  if (id !== undefined) return sendJson(ex, 200, data[0]);
  sendJson(ex, 200, { object: 'list', data });
}
