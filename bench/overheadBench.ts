import type OpenAI from 'openai';
import type { DaemonClient } from '../daemon/client/daemonClient';
import { interleave, warmUp, type Side } from './interleave';
import { cpuMsOf, roomyLimitHeaders, textOfSize, type Mock } from './processes';
import type { Row } from './report';
import { row } from './row';

// 1. Overhead, non-streaming, concurrency 1. With a `before` daemon (BENCH_BEFORE_DAEMON), it
// is measured too, interleaved request by request, so before and after share the machine's noise.
export async function overhead(
  mock: Mock,
  client: DaemonClient,
  sdk: OpenAI,
  quick: boolean,
  before?: { client: DaemonClient; name: string },
): Promise<Row[]> {
  // The daemons' own CPU time per request (from /proc): a figure that the machine's other load
  // disturbs far less than latency does.
  const cpuPerRequest = (c: DaemonClient, cpu0: number, n: number) => ((cpuMsOf(c.hello.pid) - cpu0) * 1000) / n;
  const rows: Row[] = [];
  const n = quick ? 150 : 600;
  for (const size of [1400, 10_000]) {
    await mock.control('/__fake/default', {
      provider: 'openai',
      script: { text: textOfSize(size), chunks: 1, headers: roomyLimitHeaders },
    });
    const messages = [{ role: 'user' as const, content: 'benchmark' }];
    const direct = () => sdk.chat.completions.create({ model: 'gpt-bench', messages, max_completion_tokens: 64 });
    const via = (c: DaemonClient) => () =>
      c.chat({ provider: 'openai', model: 'gpt-bench', messages, max_tokens: 64, stream: false });
    const sides: Side[] = [
      { name: 'direct', run: direct },
      { name: 'conduit', run: via(client) },
      ...(before ? [{ name: 'before', run: via(before.client) }] : []),
    ];
    await warmUp(sides, 30);
    const cpu0 = cpuMsOf(client.hello.pid);
    const cpuBefore0 = before ? cpuMsOf(before.client.hello.pid) : NaN;
    const clientCpu: Record<string, number> = {};
    const samples = await interleave(n, sides, clientCpu);
    const clientCpuUsPerRequest = (side: string) => clientCpu[side]! / samples[side]!.length;
    rows.push({
      ...row(
        `1. non-streaming ${size / 1000} KB, concurrency 1`,
        samples.direct!,
        samples.conduit!,
        'added ≤ 0.3 ms p50, ≤ 1 ms p99',
      ),
      daemonCpuUsPerRequest: cpuPerRequest(client, cpu0, samples.conduit!.length),
      clientCpuUsPerRequest: clientCpuUsPerRequest('conduit'),
      baselineClientCpuUsPerRequest: clientCpuUsPerRequest('direct'),
    });
    if (before)
      rows.push({
        ...row(
          `1. non-streaming ${size / 1000} KB, concurrency 1, BEFORE (${before.name})`,
          samples.direct!,
          samples.before!,
        ),
        daemonCpuUsPerRequest: cpuPerRequest(before.client, cpuBefore0, samples.before!.length),
        clientCpuUsPerRequest: clientCpuUsPerRequest('before'),
      });
  }
  return rows;
}
