import { describe, expect, it } from 'vitest';
import { callProvider } from '../../../../daemon/gateway/providerCall';
import type { ProviderAdapter, ProviderRequest, ProviderStreamEvent } from '../../../../daemon/providers/types';

describe('callProvider, streaming to a client that is behind', () => {
  it('gets back to its iterator as soon as the attempt is aborted, though the client never catches up', async () => {
    const controller = new AbortController();
    let pulls = 0;
    let pulledAgain: () => void = () => undefined;
    const pulledTwice = new Promise<void>((resolve) => (pulledAgain = resolve));
    const adapter: ProviderAdapter = {
      id: 'openai',
      chat: () => Promise.reject(new Error('not called')),
      stream: () => ({
        [Symbol.asyncIterator]: (): AsyncIterator<ProviderStreamEvent> => ({
          next: () => {
            pulls++;
            if (pulls === 2) pulledAgain();
            return pulls === 1
              ? Promise.resolve({ done: false, value: { type: 'text', text: 'one' } })
              : Promise.reject(new Error('aborted'));
          },
        }),
      }),
    };
    // The client never catches up: only the abort may send the call back to its iterator.
    const never = new Promise<void>(() => undefined);
    const call = callProvider(
      { adapter, req: {} as ProviderRequest, sink: { text: () => never }, startedAt: performance.now() },
      { signal: controller.signal, guard: (events) => events, commit: () => undefined },
    );
    const settled = call.catch((err: unknown) => err);
    controller.abort();
    await pulledTwice;
    expect(await settled).toBeInstanceOf(Error);
  });
});
