import { CacheStatsRequest } from '../protocol';
import type { DaemonClient } from '../daemon/client/daemonClient';
import { roomyLimitHeaders, rssOf, textOfSize, type Mock } from './processes';
import type { MemoryResult, MemorySample } from './report';

// 8a. Memory: RSS idle, then after N requests with distinct cacheable prompts (the cache fills to
// its bound), sampled as it goes: RSS from /proc next to V8's heap and external memory, so a
// growing gap between them (native memory: malloc arenas, sqlite, buffers) shows.
export async function memory(
  mock: Mock,
  client: DaemonClient,
  daemonPid: number,
  startMs: number,
  idleRss: number,
  quick: boolean,
): Promise<MemoryResult> {
  const requests = quick ? 2000 : 10_000;
  const every = requests / 10;
  await mock.control('/__fake/default', {
    provider: 'openai',
    script: { text: textOfSize(1400), chunks: 1, headers: roomyLimitHeaders },
  });
  const series: MemorySample[] = [await memorySample(client, daemonPid, 0)];
  let next = 0;
  let sampling: Promise<void> = Promise.resolve();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < requests) {
        const i = next++;
        await client.chat({
          provider: 'openai',
          model: 'gpt-bench',
          messages: [{ role: 'user', content: `memory ${i}: ${textOfSize(200)}` }],
          max_tokens: 64,
          temperature: 0,
          stream: false,
        });
        if ((i + 1) % every === 0)
          sampling = sampling.then(async () => {
            series.push(await memorySample(client, daemonPid, i + 1));
          });
      }
    }),
  );
  await sampling;
  const st = await client.status(true);
  const cache = await client.connection.sendRequest(CacheStatsRequest.type, {}).catch(() => null);
  return {
    daemonStartMs: startMs,
    idleRss,
    afterRss: rssOf(daemonPid) || st.memory.rss,
    requests,
    cache,
    heapUsedAfter: st.memory.heapUsed,
    series,
    mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null,
  };
}

async function memorySample(client: DaemonClient, pid: number, requests: number): Promise<MemorySample> {
  // Not settled by a GC: what the process holds as it runs is the figure that matters.
  const { memory: m } = await client.status(false);
  return {
    requests,
    rss: rssOf(pid) || m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal ?? NaN,
    external: m.external ?? NaN,
    arrayBuffers: m.arrayBuffers ?? NaN,
  };
}
