import * as fs from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import { DaemonClient } from '../daemon/client/daemonClient';
import { benchHome, daemonEnv, startFake } from './processes';
import { fmt, summarize, type Summary } from './stats';

const quick = process.argv.includes('--quick');
const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');
const daemonScript = path.join(repo, 'dist', 'daemon.js');

interface Row {
  scenario: string;
  baseline: Summary;
  conduit: Summary;
  addedP50: number;
  addedP99: number;
}

function textOfSize(bytes: number): string {
  const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor '.repeat(Math.ceil(bytes / 70));
  return words.slice(0, bytes);
}

/** Alternates blocks of both sides so drift on a shared machine hits them equally. */
async function sideBySide(n: number, direct: () => Promise<number>, conduit: () => Promise<number>): Promise<{ a: number[]; b: number[] }> {
  const a: number[] = [];
  const b: number[] = [];
  const block = 25;
  for (let i = 0; i < Math.ceil(n / block); i++) {
    for (let j = 0; j < block; j++) a.push(await direct());
    for (let j = 0; j < block; j++) b.push(await conduit());
  }
  return { a, b };
}

async function main(): Promise<void> {
  const fake = await startFake(buildDir);
  const home = benchHome();
  const env = daemonEnv(home, fake.url);
  const client = await DaemonClient.connect({ client: 'other', home, autoStart: true, spawn: { daemonScript, env } });
  const sdk = new OpenAI({ apiKey: env.OPENAI_API_KEY!, baseURL: `${fake.url}/v1`, maxRetries: 0 });
  const rows: Row[] = [];
  const n = quick ? 100 : 500;
  try {
    for (const size of [1400, 10_000]) {
      await fake.control('/__fake/default', { provider: 'openai', script: { text: textOfSize(size), chunks: 1 } });
      const messages = [{ role: 'user' as const, content: 'benchmark' }];
      const direct = async () => {
        const t = performance.now();
        await sdk.chat.completions.create({ model: 'gpt-bench', messages, max_completion_tokens: 64 });
        return performance.now() - t;
      };
      const viaConduit = async () => {
        const t = performance.now();
        await client.chat({ provider: 'openai', model: 'gpt-bench', messages, max_tokens: 64, stream: false });
        return performance.now() - t;
      };
      for (let i = 0; i < 20; i++) { await direct(); await viaConduit(); }
      const { a, b } = await sideBySide(n, direct, viaConduit);
      const baseline = summarize(a);
      const conduit = summarize(b);
      rows.push({ scenario: `non-streaming ${size / 1000} KB, concurrency 1`, baseline, conduit, addedP50: conduit.p50 - baseline.p50, addedP99: conduit.p99 - baseline.p99 });
    }

    // Streaming: 64 chunks, 20 ms apart. Time to first token and the largest gap between chunks.
    await fake.control('/__fake/default', { provider: 'openai', script: { deltas: Array.from({ length: 64 }, (_, i) => `c${i} `), chunkDelayMs: 20 } });
    const streams = quick ? 5 : 20;
    const ttftA: number[] = []; const ttftB: number[] = []; const gapA: number[] = []; const gapB: number[] = [];
    let lost = 0;
    for (let i = 0; i < streams; i++) {
      let t = performance.now();
      let last = 0; let first = true;
      const s = await sdk.chat.completions.create({ model: 'gpt-bench', messages: [{ role: 'user', content: 's' }], stream: true, stream_options: { include_usage: true } });
      for await (const chunk of s) {
        if (!chunk.choices[0]?.delta?.content) continue;
        const now = performance.now();
        if (first) { ttftA.push(now - t); first = false; } else gapA.push(now - last);
        last = now;
      }
      t = performance.now(); first = true; let seen = 0;
      await client.chat({ provider: 'openai', model: 'gpt-bench', messages: [{ role: 'user', content: 's' }], stream: true }, {
        onChunk: (c) => {
          const now = performance.now();
          if (c.seq !== seen) lost++;
          seen++;
          if (first) { ttftB.push(now - t); first = false; } else gapB.push(now - last);
          last = now;
        },
      });
      if (seen !== 64) lost++;
    }
    const tA = summarize(ttftA); const tB = summarize(ttftB);
    rows.push({ scenario: 'streaming: time to first token', baseline: tA, conduit: tB, addedP50: tB.p50 - tA.p50, addedP99: tB.p99 - tA.p99 });
    const gA = summarize(gapA); const gB = summarize(gapB);
    rows.push({ scenario: 'streaming: gap between chunks', baseline: gA, conduit: gB, addedP50: gB.p50 - gA.p50, addedP99: gB.p99 - gA.p99 });
    if (lost > 0) console.log(`WARNING: ${lost} streams lost, merged or reordered chunks`);
  } finally {
    await client.stop().catch(() => undefined);
    client.close();
    fake.proc.kill('SIGTERM');
    fs.rmSync(home, { recursive: true, force: true });
  }

  console.log(`\nConduit overhead against a direct SDK call (fake provider on loopback; ${quick ? 'quick' : 'full'} run)\n`);
  console.log('| scenario | direct p50 | direct p99 | conduit p50 | conduit p99 | added p50 | added p99 |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.scenario} | ${fmt(r.baseline.p50)} | ${fmt(r.baseline.p99)} | ${fmt(r.conduit.p50)} | ${fmt(r.conduit.p99)} | ${fmt(r.addedP50)} | ${fmt(r.addedP99)} |`);
  }
  const resultsDir = path.join(repo, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ when: new Date().toISOString(), node: process.version, quick, rows }, null, 2));
  console.log(`\nwrote ${path.relative(repo, file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
