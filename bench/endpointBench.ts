/**
 * The local endpoint's added latency. One mock upstream (the fake provider, its own process);
 * the same OpenAI chat completion sent five ways, interleaved one request at a time (each round
 * in a rotated order, so no side always follows another):
 *   direct    the openai SDK straight to the mock;
 *   endpoint  the openai SDK to Conduit's local endpoint (HTTP → gateway → provider SDK → mock);
 *   messages  the @anthropic-ai/sdk to the endpoint's /v1/messages, answered by the OpenAI mock;
 *   ipc       Conduit's own client over the socket (the IPC path, for comparison);
 *   portkey   the openai SDK through Portkey's gateway to the mock.
 * Conduit's cache is off, so every Conduit request goes upstream. Portkey binds every interface,
 * so this re-runs itself in a network namespace of its own (`unshare -n`) when it can.
 * `npm run bench -- --only endpoint [--quick] [--baseline DIR]`. Prints a table, then one JSON line.
 * `--baseline DIR` adds `base`: the same request through the endpoint of a second daemon built
 * from another checkout (DIR/dist/daemon.js), for a before/after measured in the same run.
 *
 * Measured 2026-12-06 (n=1000, 2 loaded cores), p50 added over direct: endpoint +21.5 ms,
 * Anthropic shape +23.7 ms, IPC +19.0 ms, Portkey +44.1 ms (docs/local-endpoint.md has the table).
 */
import Anthropic from '@anthropic-ai/sdk';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import { DaemonClient } from '../daemon/client/daemonClient';
import {
  benchConfig,
  benchHome,
  daemonEnv,
  roomyLimitHeaders,
  startFake,
  textOfSize,
  freePort,
  cpuMsOf,
  waitForHttp,
} from './processes';
import { fmt, summarize, type Summary } from './stats';

const quick = process.argv.includes('--quick');
const baselineArg = process.argv.indexOf('--baseline');
const baseline = baselineArg > 0 ? process.argv[baselineArg + 1] : undefined;
const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');

async function run(): Promise<Record<string, unknown>> {
  const fake = await startFake(buildDir);
  await fake.control('/__fake/default', {
    provider: 'openai',
    script: { text: textOfSize(1400), chunks: 1, headers: roomyLimitHeaders },
  });
  const home = benchHome();
  const port = await freePort();
  benchConfig(home, { server: { enabled: true, port }, cache: { enabled: false } });
  const env = daemonEnv(home, fake.url);
  const entry = path.join(repo, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
  const portkeyPort = await freePort();
  const portkey = fs.existsSync(entry)
    ? spawn(process.execPath, [entry, '--headless', `--port=${portkeyPort}`], {
        stdio: ['ignore', 'ignore', 'ignore'],
        env: { ...process.env, NODE_ENV: 'production' },
      })
    : undefined;
  let client: DaemonClient | undefined;
  let baseClient: DaemonClient | undefined;
  const pids: Array<[string, number]> = [];
  const baseHome = baseline ? benchHome() : undefined;
  try {
    client = await DaemonClient.connect({
      client: 'cli',
      home,
      autoStart: true,
      spawn: { daemonScript: path.join(repo, 'dist', 'daemon.js'), env },
    });
    const token = fs.readFileSync(path.join(home, 'endpoint-token'), 'utf8').trim();
    const direct = new OpenAI({ apiKey: env.OPENAI_API_KEY!, baseURL: `${fake.url}/v1`, maxRetries: 0 });
    const endpoint = new OpenAI({ apiKey: token, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: token, baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'benchmark' }];
    const body = { model: 'gpt-5.4-mini', messages, max_completion_tokens: 64 };
    const sides: Array<[string, () => Promise<unknown>]> = [
      ['direct', () => direct.chat.completions.create(body)],
      ['endpoint', () => endpoint.chat.completions.create(body)],
      ['messages', () => anthropic.messages.create({ model: 'gpt-5.4-mini', max_tokens: 64, messages })],
      [
        'ipc',
        () => client!.chat({ provider: 'openai', model: 'gpt-5.4-mini', messages, max_tokens: 64, stream: false }),
      ],
    ];
    if (baseline && baseHome) {
      const basePort = await freePort();
      benchConfig(baseHome, { server: { enabled: true, port: basePort }, cache: { enabled: false } });
      baseClient = await DaemonClient.connect({
        client: 'cli',
        home: baseHome,
        autoStart: true,
        spawn: {
          daemonScript: path.join(path.resolve(baseline), 'dist', 'daemon.js'),
          env: daemonEnv(baseHome, fake.url),
        },
      });
      const baseToken = fs.readFileSync(path.join(baseHome, 'endpoint-token'), 'utf8').trim();
      const base = new OpenAI({ apiKey: baseToken, baseURL: `http://127.0.0.1:${basePort}/v1`, maxRetries: 0 });
      const baseAnthropic = new Anthropic({
        apiKey: baseToken,
        baseURL: `http://127.0.0.1:${basePort}`,
        maxRetries: 0,
      });
      const bc = baseClient;
      // The same mix of traffic as the daemon under test, so their CPU per request compares.
      sides.push(
        ['base', () => base.chat.completions.create(body)],
        ['base messages', () => baseAnthropic.messages.create({ model: 'gpt-5.4-mini', max_tokens: 64, messages })],
        [
          'base ipc',
          () => bc.chat({ provider: 'openai', model: 'gpt-5.4-mini', messages, max_tokens: 64, stream: false }),
        ],
      );
      pids.push(['daemon', (await client.status()).pid], ['base daemon', (await bc.status()).pid]);
    }
    let portkeyNote: string | undefined;
    if (portkey) {
      portkeyNote = await waitForHttp(`http://127.0.0.1:${portkeyPort}/`, portkey, 20_000);
      const viaPortkey = new OpenAI({
        apiKey: env.OPENAI_API_KEY!,
        baseURL: `http://127.0.0.1:${portkeyPort}/v1`,
        maxRetries: 0,
        defaultHeaders: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${fake.url}/v1` },
      });
      const first = portkeyNote
        ? undefined
        : await viaPortkey.chat.completions.create(body).catch((err: unknown) => err);
      if (first instanceof Error) portkeyNote = `did not relay: ${first.message}`;
      if (!portkeyNote) sides.push(['portkey', () => viaPortkey.chat.completions.create(body)]);
    } else {
      portkeyNote = '@portkey-ai/gateway is not installed';
    }
    const samples = new Map<string, number[]>(sides.map(([name]) => [name, []]));
    for (let i = 0; i < 40; i++) for (const [, op] of sides) await op();
    const n = quick ? 200 : 1000;
    const cpuBefore = pids.map(([, pid]) => cpuMsOf(pid));
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < sides.length; k++) {
        const [name, op] = sides[(i + k) % sides.length]!;
        const t = performance.now();
        await op();
        samples.get(name)!.push(performance.now() - t);
      }
    }
    // CPU per logical request of each daemon (three sides each): less swayed by a loaded machine than latency.
    const cpuUsPerRequest = Object.fromEntries(
      pids.map(([name, pid], i) => [name, ((cpuMsOf(pid) - cpuBefore[i]!) * 1000) / (3 * n)]),
    );
    const summary: Record<string, Summary> = {};
    for (const [name, s] of samples) summary[name] = summarize(s);
    return {
      ok: true,
      n,
      summary,
      ...(pids.length ? { cpuUsPerRequest } : {}),
      ...(portkeyNote ? { portkey: `skipped: ${portkeyNote}` } : {}),
    };
  } finally {
    await client?.stop().catch(() => undefined);
    client?.close();
    await baseClient?.stop().catch(() => undefined);
    baseClient?.close();
    if (baseHome) fs.rmSync(baseHome, { recursive: true, force: true });
    portkey?.kill('SIGTERM');
    fake.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function print(r: Record<string, unknown>, isolation: string): void {
  const s = r.summary as Record<string, Summary> | undefined;
  if (!s) {
    console.log(`endpoint bench: ${JSON.stringify(r)}`);
    return;
  }
  const d = s.direct!;
  console.log(
    `\nLocal endpoint: added latency over a direct SDK call (n=${String(r.n)} each, interleaved one by one; ${isolation})`,
  );
  console.log('side       p50          p99          +p50 vs direct  +p99 vs direct');
  for (const [name, x] of Object.entries(s)) {
    console.log(
      `${name.padEnd(10)} ${fmt(x.p50).padEnd(12)} ${fmt(x.p99).padEnd(12)} ${fmt(x.p50 - d.p50).padEnd(15)} ${fmt(x.p99 - d.p99)}`,
    );
  }
  if (r.portkey) console.log(`portkey: ${String(r.portkey)}`);
  const e = s.endpoint;
  if (e) {
    const added = (x: Summary) => x.p50 - d.p50;
    for (const [name, x] of Object.entries(s).filter(([k]) => k !== 'direct' && k !== 'endpoint'))
      console.log(`endpoint +p50 / ${name} +p50: ${(added(e) / added(x)).toFixed(3)}`);
  }
  const cpu = r.cpuUsPerRequest as Record<string, number> | undefined;
  if (cpu) {
    for (const [name, us] of Object.entries(cpu)) console.log(`${name}: ${us.toFixed(0)} µs CPU per request`);
    if (cpu.daemon && cpu['base daemon'])
      console.log(`daemon CPU / base daemon CPU: ${(cpu.daemon / cpu['base daemon']).toFixed(3)}`);
  }
}

async function main(): Promise<void> {
  // Re-run inside a network namespace of its own (loopback only), so Portkey's all-interfaces
  // listener is never reachable from outside; fall back to the host for the length of the run.
  if (!process.env.CONDUIT_BENCH_IN_NS) {
    const ns = spawnSync(
      'unshare',
      ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, __filename, ...process.argv.slice(2)],
      { encoding: 'utf8', env: { ...process.env, CONDUIT_BENCH_IN_NS: '1' } },
    );
    const last = ns.status === 0 ? ns.stdout.trim().split('\n').pop() : undefined;
    if (last) {
      const r = JSON.parse(last) as Record<string, unknown>;
      print(r, 'own network namespace');
      console.log(JSON.stringify(r));
      return;
    }
  }
  const r = await run();
  if (process.env.CONDUIT_BENCH_IN_NS) {
    console.log(JSON.stringify(r));
    return;
  }
  print(r, 'host');
  console.log(JSON.stringify(r));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
