import type OpenAI from 'openai';
import type { DaemonClient } from '../daemon/client/daemonClient';
import { cpuMsOf, roomyLimitHeaders, textOfSize, type Mock } from './processes';
import type { ThroughputRow } from './report';
import { percentile } from './stats';

// 3. Throughput at concurrency 1, 16 and 64 against a 0 ms and a 20 ms mock.
export async function throughput(
  mock: Mock,
  client: DaemonClient,
  daemonPid: number,
  sdk: OpenAI,
  quick: boolean,
): Promise<ThroughputRow[]> {
  const out: ThroughputRow[] = [];
  const seconds = quick ? 1 : 3;
  const messages = [{ role: 'user' as const, content: 'throughput' }];
  const mockPid = mock.proc.pid!;
  for (const delay of [0, 20]) {
    await mock.control('/__fake/default', {
      provider: 'openai',
      script: {
        text: textOfSize(1400),
        chunks: 1,
        ...(delay ? { headerDelayMs: delay } : {}),
        headers: roomyLimitHeaders,
      },
    });
    for (const concurrency of [1, 16, 64]) {
      const run = async (op: () => Promise<unknown>) => {
        const until = performance.now() + seconds * 1000;
        let done = 0;
        const lat: number[] = [];
        const mock0 = cpuMsOf(mockPid);
        const daemon0 = cpuMsOf(daemonPid);
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (performance.now() < until) {
              const t = performance.now();
              await op();
              lat.push(performance.now() - t);
              done++;
            }
          }),
        );
        const wall = performance.now() - t0;
        return {
          rps: done / (wall / 1000),
          mockCpu: cpuMsOf(mockPid) - mock0,
          daemonCpu: cpuMsOf(daemonPid) - daemon0,
          wall,
          done,
          lat,
        };
      };
      const direct = () => sdk.chat.completions.create({ model: 'gpt-bench', messages, max_completion_tokens: 64 });
      const viaConduit = () =>
        client.chat({ provider: 'openai', model: 'gpt-bench', messages, max_tokens: 64, stream: false });
      await run(direct);
      await run(viaConduit); // warm-up (connection pools at this concurrency)
      const d = await run(direct);
      const c = await run(viaConduit);
      out.push({
        mockDelayMs: delay,
        concurrency,
        directRps: d.rps,
        conduitRps: c.rps,
        ratio: c.rps / d.rps,
        // The mock's busiest side: its CPU time over wall time, as a share of one core.
        mockCpuPct: Math.max(d.mockCpu / d.wall, c.mockCpu / c.wall) * 100,
        daemonCpuMsPerRequest: c.daemonCpu / c.done,
        conduitP50: percentile(c.lat, 50),
        conduitP99: percentile(c.lat, 99),
      });
    }
  }
  return out;
}
