import { afterAll, beforeAll, beforeEach } from 'vitest';
import { FakeProviderServer, type FakeProviderOptions } from './fakeProvider';

/**
 * One fake provider server for a test file: started before the tests, reset before each one,
 * stopped after. Read it through the returned holder, which is filled in by beforeAll.
 */
export function useFakeProvider(options: FakeProviderOptions = {}): { readonly fake: FakeProviderServer } {
  const holder = {} as { fake: FakeProviderServer };
  beforeAll(async () => {
    holder.fake = await FakeProviderServer.start(options);
  });
  afterAll(async () => {
    await holder.fake.stop();
  });
  beforeEach(() => holder.fake.reset());
  return holder;
}
