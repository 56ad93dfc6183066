/**
 * The semantic index's usearch graph across daemon restarts: saved when the daemon stops, loaded
 * at the next start (cache stats say so), and rebuilt from cache.db when the file is damaged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../protocol';
import { variedPrompt } from '../fixtures/semantic/variedPrompts';
import { cacheStats as stats, useDaemonAndFake, waitFor, type DaemonHarness } from './harness';

const ENTRIES = 30;
const prompt = variedPrompt;

function ask(content: string): ChatRequest {
  return { messages: [{ role: 'user', content }], provider: 'openai', temperature: 0 };
}

/**
 * Stops the daemon and waits for its "daemon stopped" line: the socket goes first, while the
 * graph is still being saved, so a missing socket does not mean the files are final.
 */
async function stop(h: DaemonHarness): Promise<void> {
  const stopped = () => h.logText().split('"msg":"daemon stopped"').length - 1;
  const before = stopped();
  await h.cli(['stop']);
  await waitFor(() => stopped() > before && !fs.existsSync(h.socketPath()), 10_000, 'the daemon to stop');
}

async function restart(h: DaemonHarness): Promise<void> {
  await stop(h);
  (await h.connect()).close();
}

describe('the saved ANN graph across daemon restarts', () => {
  const env = useDaemonAndFake({ config: { cache: { semantic: { annThreshold: 20 } } } });

  it('loads the graph saved at stop; a damaged file is rebuilt from the cache and lookups still hit', async () => {
    const client = await env.h.connect();
    for (let i = 0; i < ENTRIES; i++) {
      env.fake.enqueue('openai', { text: `answer ${i}` });
      await client.chat(ask(prompt(i)));
    }
    client.close();
    await waitFor(
      async () => (await stats(env.h)).semantic.ann?.entries === ENTRIES,
      20_000,
      'the scope to move to usearch',
    );

    await restart(env.h);
    // The entries are in memory before the saved graph is checked and loaded; the log line is
    // written when that has ended.
    await waitFor(
      async () => /semantic cache: loaded the saved ANN index/.test(env.h.logText()),
      30_000,
      'the ANN-loaded log line',
    );
    expect((await stats(env.h)).semantic.ann).toEqual({
      scopes: 1,
      entries: ENTRIES,
      loadedFromDisk: { scopes: 1, entries: ENTRIES },
      rebuildReasons: [],
    });
    const c2 = await env.h.connect();
    const hit = await c2.chat(ask(`${prompt(7).toUpperCase()}?`));
    expect(hit).toMatchObject({ cache: 'semantic', text: 'answer 7' });
    c2.close();

    // Damage the saved graph while the daemon is stopped.
    await stop(env.h);
    const dir = path.join(env.h.home, 'cache-ann');
    const graph = path.join(
      dir,
      fs.readdirSync(dir).find((f) => f.endsWith('.usearch'))!,
    );
    const bytes = fs.readFileSync(graph);
    bytes.fill(0x5a, 64, 256);
    fs.writeFileSync(graph, bytes);
    (await env.h.connect()).close();
    await waitFor(
      async () => /saved ANN index was not used; rebuilding it from the cache store/.test(env.h.logText()),
      30_000,
      'the rebuild log line',
    );
    const after = (await stats(env.h)).semantic.ann!;
    expect(after.loadedFromDisk).toEqual({ scopes: 0, entries: 0 });
    expect(after.rebuildReasons).toEqual([expect.stringMatching(/checksum does not match/) as string]);
    await waitFor(async () => (await stats(env.h)).semantic.ann?.entries === ENTRIES, 20_000, 'the rebuilt graph');
    const c3 = await env.h.connect();
    expect(await c3.chat(ask(`${prompt(12).toUpperCase()}?`))).toMatchObject({ cache: 'semantic', text: 'answer 12' });
    c3.close();
    expect(env.fake.requestsFor('openai')).toHaveLength(ENTRIES);
  });
});
