import type { ProviderAdapter, ProviderRequest, ProviderResponse, ProviderStreamEvent } from '../types';
import { capabilitiesOf } from './modelCapabilities';
import { planRequest, type RequestPlan } from './requestPlan';
import { StreamingUnwrapper, unwrapAnswer } from './schemaRoot';

/**
 * Every adapter behind one rule book: the request is fitted to the routed model's documented
 * rules before the adapter builds its wire form, the answer to a wrapped schema is unwrapped,
 * and what was changed comes back as `adjusted`. The model id is read here, before Azure maps
 * it to a deployment name, so a deployment inherits the row of the model it serves.
 */
export function withCapabilities(inner: ProviderAdapter): ProviderAdapter {
  const plan = (req: ProviderRequest): RequestPlan =>
    planRequest(req.capabilities ?? capabilitiesOf(inner.id, req.model), req);
  return {
    id: inner.id,
    ...(inner.ready ? { ready: () => inner.ready!() } : {}),
    async chat(req, signal): Promise<ProviderResponse> {
      const p = plan(req);
      const res = await inner.chat(p.request, signal);
      return {
        ...res,
        ...(p.wrapKey ? { text: unwrapAnswer(res.text, p.wrapKey) } : {}),
        ...(p.adjusted.length ? { adjusted: p.adjusted } : {}),
      };
    },
    stream(req, signal): AsyncIterable<ProviderStreamEvent> {
      const p = plan(req);
      // Nothing to unwrap or report: the adapter's own stream, without a generator around it that
      // would pass every event on one more promise later (the first chunk's path, issue #23).
      if (!p.wrapKey && p.adjusted.length === 0) return inner.stream(p.request, signal);
      return fitted(p, inner.stream(p.request, signal));
    },
  };
}

/** The adapter's stream with the schema wrapper taken off the text and the adjustments on `done`. */
async function* fitted(
  p: RequestPlan,
  events: AsyncIterable<ProviderStreamEvent>,
): AsyncGenerator<ProviderStreamEvent> {
  const unwrapper = p.wrapKey ? new StreamingUnwrapper(p.wrapKey) : undefined;
  for await (const ev of events) {
    if (ev.type === 'text' && unwrapper) {
      const text = unwrapper.push(ev.text);
      if (text) yield { type: 'text', text };
    } else if (ev.type === 'done') {
      const rest = unwrapper?.finish();
      if (rest) yield { type: 'text', text: rest };
      yield p.adjusted.length ? { ...ev, adjusted: p.adjusted } : ev;
    } else {
      yield ev;
    }
  }
}
