/**
 * Names a client makes up (issue #23): the real daemon against the mock, every request naming a
 * model and a feature never seen before (cache off, a budget set, so the breakers, the budget's
 * features and the unpriced-model tables all see each one). Prints the heap after GC, once the
 * ledger holds every row answered, after the warm-up and after the run, and the circuits held.
 *   node bench/run.mjs --only made-up-names [--warmup W] [--requests N]
 * The default warm-up (11,000) is past the ledger's live window (10,000 rows), which fills by
 * count first. BENCH_DAEMON_SCRIPT=path runs another build of the daemon.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { DaemonClient } from '../daemon/client/daemonClient';
import { UsageQueryRequest } from '../protocol';
import { benchConfig, benchHome, daemonEnv, roomyLimitHeaders, startFake } from './processes';
import { sixteenAtOnce } from './sixteenAtOnce';

const argValue = (name: string): number | undefined =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : undefined;
const daemonScript = process.env.BENCH_DAEMON_SCRIPT ?? path.join(__dirname, '..', '..', 'dist', 'daemon.js');
const warmup = argValue('--warmup') ?? 11_000;
const requests = argValue('--requests') ?? 10_000;
let seq = 0;

async function load(client: DaemonClient, count: number): Promise<void> {
  await sixteenAtOnce(count, () => {
    const i = seq++;
    return client.chat({
      provider: 'openai',
      model: `made-up-model-${i}`,
      feature: `made-up-feature-${i}`,
      messages: [{ role: 'user', content: `prompt ${i}` }],
      max_tokens: 16,
      stream: false,
    });
  });
}

async function heap(client: DaemonClient): Promise<number> {
  // The ledger's rows on their way into SQLite are released once a usage question has waited for them.
  await client.connection.sendRequest(UsageQueryRequest.type, { since: Date.now() - 60_000 });
  await client.status(true);
  return (await client.status(true)).memory.heapUsed / 1048576;
}

async function main(): Promise<void> {
  const mock = await startFake(__dirname);
  await mock.control('/__fake/default', {
    provider: 'openai',
    script: { text: 'ok', chunks: 1, headers: roomyLimitHeaders },
  });
  const home = benchHome();
  benchConfig(home, { cache: { enabled: false }, budgets: { dailyUsd: 1000000 } });
  const env = { ...daemonEnv(home, mock.url), CONDUIT_AUTO_FALLBACK: '0', NODE_OPTIONS: '--expose-gc' };
  const client = await DaemonClient.connect({ client: 'cli', home, autoStart: true, spawn: { daemonScript, env } });
  try {
    const load0 = os.loadavg()[0]!;
    await load(client, warmup);
    const h0 = await heap(client);
    await load(client, requests);
    const h1 = await heap(client);
    const s = await client.status(false);
    console.log(
      JSON.stringify({
        daemonScript,
        names: requests,
        heapAfterWarmupMb: +h0.toFixed(2),
        heapAfterMb: +h1.toFixed(2),
        growthMb: +(h1 - h0).toFixed(2),
        circuits: (s as unknown as { circuits?: unknown[] }).circuits?.length,
        load: `${load0.toFixed(1)} -> ${os.loadavg()[0]!.toFixed(1)}`,
      }),
    );
    await client.stop().catch(() => undefined);
  } finally {
    client.close();
    mock.stop();
  }
}
void main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
